package prunebench.strategies.penalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.config.PenaltySpec;
import prunebench.config.StrategySpec;
import prunebench.data.DatasetRegistry;
import prunebench.model.CifarResNet;
import prunebench.model.ModelRegistry;
import prunebench.prune.StrategyOptions;
import prunebench.prune.StrategyRegistry;
import prunebench.run.ExperimentRunner;
import prunebench.run.ResultStore;
import prunebench.run.RunResult;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;

/** {@code vacl}: its keys onto the one penalty mechanism, and a ResNet-8 run through the grid runner. */
class VaclRunTest {
    @TempDir
    Path tmp;

    private static StrategyOptions options(Map<String, Object> given) {
        VarianceAwareCrossLayerPruning s = new VarianceAwareCrossLayerPruning();
        StrategyOptions o = new StrategyOptions(s.name(), s.parameterDefaults(), given);
        s.validate(o);
        return o;
    }

    @Test
    void registeredAndItsKeysMapOntoThePenalty() {
        assertTrue(new StrategyRegistry().get("vacl") instanceof VarianceAwareCrossLayerPruning);
        VarianceAwareCrossLayerPruning s = new VarianceAwareCrossLayerPruning();
        assertEquals(PenaltySpec.of(PenaltySpec.VACL, 1e-3, Map.of("variance_weight", 1.0)),
                s.penalty(options(Map.of())));
        assertEquals(PenaltySpec.of(PenaltySpec.VACL, 5e-4, Map.of("variance_weight", 4.0)),
                s.penalty(options(Map.of("weight", 5e-4, "variance_weight", 4))));
        assertFalse(s.duringPretraining());
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("weight", 0.0),
                Map.of("variance_weight", -1.0), Map.of("learn_epochs", -2), Map.of("distribution", "erk"))) {
            assertThrows(ConfigException.class, () -> options(bad), bad.toString());
        }
    }

    @Test
    void resnet8TrainsUnderThePenaltyThenRemovesInnerChannelsAndIsRebuilt() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new CifarResNet(8))),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 64, 3, 8, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new VarianceAwareCrossLayerPruning())), new PrintStream(log, true));
        ExperimentSpec spec = Experiments.tiny("resnet8", List.of(2.0), List.of(
                new StrategySpec("vacl", "vacl", Map.of("learn_epochs", 1, "weight", 1e-2))), List.of(0L));
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, tmp), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        List<RunResult> all = new ResultStore(tmp).all();
        assertEquals(1, all.size());
        RunResult r = all.get(0);
        assertTrue(r.compression_actual() >= 2.0 - 0.01, "" + r.compression_actual());
        assertTrue(r.speedup_theoretical() > 1, "" + r.speedup_theoretical());
        assertFalse(Double.isNaN(r.speedup_measured()), "the rebuilt network is timed");
        assertTrue(Double.isFinite(r.top1()));
        Path run = tmp.resolve("runs").resolve(r.run_id());
        assertTrue(Files.readAllLines(run.resolve("epochs.csv")).stream().anyMatch(l -> l.startsWith("sparsify,")),
                "the penalised stage ran");
        // layer,shape,parameters,kept,density, over the tensors a removed channel touches (PyTorch names): the
        // blocks' conv1 and bn1 (its filters) and conv2 (its inputs), never the stem or the fc (residual streams)
        List<String[]> layers = Files.readAllLines(run.resolve("layers.csv")).stream().skip(1)
                .map(l -> l.split(",")).toList();
        assertEquals(12, layers.size(), layers.stream().map(f -> f[0]).toList().toString());
        String inner = "layer[123]\\.0\\.(conv1\\.weight|bn1\\.weight|bn1\\.bias|conv2\\.weight)";
        assertTrue(layers.stream().allMatch(f -> f[0].matches(inner)),
                layers.stream().map(f -> f[0]).toList().toString());
        assertTrue(layers.stream().anyMatch(f -> f[0].endsWith("conv1.weight")
                && Long.parseLong(f[3]) < Long.parseLong(f[2])), "inner channels went");
    }
}
