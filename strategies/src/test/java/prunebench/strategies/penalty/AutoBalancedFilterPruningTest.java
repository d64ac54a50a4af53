package prunebench.strategies.penalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.config.PenaltySpec;
import prunebench.config.StrategySpec;
import prunebench.data.DatasetRegistry;
import prunebench.model.LeNet5;
import prunebench.model.ModelRegistry;
import prunebench.prune.StrategyOptions;
import prunebench.prune.StrategyRegistry;
import prunebench.run.ExperimentRunner;
import prunebench.run.ResultStore;
import prunebench.run.RunResult;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;

/** {@code auto_balanced}: its keys onto the one penalty mechanism, its checks, and a run through the grid runner. */
class AutoBalancedFilterPruningTest {
    @TempDir
    Path tmp;

    private static StrategyOptions options(Map<String, Object> given) {
        AutoBalancedFilterPruning s = new AutoBalancedFilterPruning();
        StrategyOptions o = new StrategyOptions(s.name(), s.parameterDefaults(), given);
        s.validate(o);
        return o;
    }

    @Test
    void registeredAndItsKeysMapOntoThePenalty() {
        assertTrue(new StrategyRegistry().get("auto_balanced") instanceof AutoBalancedFilterPruning);
        AutoBalancedFilterPruning s = new AutoBalancedFilterPruning();
        // ratio auto: the run's compression decides each layer's weak filters
        assertEquals(PenaltySpec.of(PenaltySpec.AUTO_BALANCED, 5e-4, Map.of("compression", 4.0)),
                s.penalty(options(Map.of()), 4));
        assertEquals(PenaltySpec.of(PenaltySpec.AUTO_BALANCED, 1e-3, Map.of("ratio", 0.25)),
                s.penalty(options(Map.of("ratio", 0.25, "lambda", 1e-3)), 4));
        assertEquals(PenaltySpec.of(PenaltySpec.AUTO_BALANCED, 5e-4, Map.of("ratio", 0.5)),
                s.penalty(options(Map.of("ratio", "0.5", "scope", "global")), 4));
        assertEquals(prunebench.prune.Distribution.UNIFORM, s.defaultDistribution());
    }

    @Test
    void badValuesAndAutoWithADifferentPruneAreRefused() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("ratio", 1.0), Map.of("ratio", "half"),
                Map.of("lambda", 0.0), Map.of("iterations", 2), Map.of("scope", "global"),
                Map.of("target", "speedup"), Map.of("min_channels", 2.0), Map.of("dense_first_layer", true))) {
            assertThrows(ConfigException.class, () -> options(bad), bad.toString());
        }
    }

    @Test
    void trainsUnderThePenaltyThenRemovesFiltersToTheTarget() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 128, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new AutoBalancedFilterPruning())), new PrintStream(log, true));
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(4.0), List.of(
                new StrategySpec("auto_balanced", "auto_balanced", Map.of("learn_epochs", 1, "lambda", 1e-2))),
                List.of(0L));
        Path dir = tmp.resolve("a");
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, dir), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        Map<String, RunResult> results = new ResultStore(dir).all().stream()
                .collect(Collectors.toMap(RunResult::strategy, r -> r));
        RunResult r = results.get("auto_balanced");
        assertTrue(r.compression_actual() >= 4.0 - 0.01, String.valueOf(r.compression_actual()));
        List<String> epochs = Files.readAllLines(dir.resolve("runs").resolve(r.run_id()).resolve("epochs.csv"));
        assertTrue(epochs.stream().anyMatch(l -> l.startsWith("sparsify,")), epochs.toString());
        assertTrue(Double.isFinite(r.top1()));
    }
}
