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
        assertTrue(s.removesTiedGroups(options(Map.of())), "the method's behaviour by default");
        assertFalse(s.removesTiedGroups(options(Map.of("remove_tied_groups", false))));
        options(Map.of("remove_tied_groups", false, "scope", "layer")); // the old behaviour keeps scope layer
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("weight", 0.0),
                Map.of("variance_weight", -1.0), Map.of("learn_epochs", -2), Map.of("distribution", "erk"),
                Map.of("remove_tied_groups", "yes"), Map.of("scope", "layer"),
                Map.of("layer_fractions", Map.of("conv1", 0.5)))) {
            assertThrows(ConfigException.class, () -> options(bad), bad.toString());
        }
    }

    /** The penalty's mu of a tied group: the mean of its members' filter L2 norms. */
    @Test
    void aTiedGroupIsScoredByTheMeanOfItsFiltersNorms() {
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            prunebench.model.Network net = prunebench.model.Network.create(new CifarResNet(8),
                    new ai.djl.ndarray.types.Shape(3, 8, 8), 10, manager, 0);
            List<prunebench.model.TiedGroup> ties = prunebench.model.ChannelStructure.tiedGroups(net);
            // tie 16: stage 2's conv2 filter 0 and stage 3's conv2 filter 16; set them to norms 3 and 1
            prunebench.model.TiedGroup t = ties.get(16);
            setRow(t.members().get(0).layer(), 0, 3f / (float) Math.sqrt(32 * 9));
            setRow(t.members().get(1).layer(), 16, 1f / (float) Math.sqrt(64 * 9));
            float[] scores = new VarianceAwareCrossLayerPruning().tiedGroupScores(null, ties);
            assertEquals(ties.size(), scores.length);
            assertEquals(2.0, scores[16], 1e-5);
        }
    }

    private static void setRow(prunebench.model.PrunableLayer layer, int row, float value) {
        float[] w = layer.weight().getArray().toFloatArray();
        int per = Math.toIntExact(w.length / layer.weightShape().get(0));
        java.util.Arrays.fill(w, row * per, (row + 1) * per, value);
        layer.weight().getArray().set(w);
    }

    /**
     * By default whole residual-stream channels go too: layers.csv then also lists the stem, every conv2, their
     * BatchNorms and the fc, and some of them lost rows or columns; the rebuilt network is timed.
     */
    @Test
    void resnet8RemovesTiedGroupsByDefault() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new CifarResNet(8))),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 64, 3, 8, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new VarianceAwareCrossLayerPruning())), new PrintStream(log, true));
        ExperimentSpec spec = Experiments.tiny("resnet8", List.of(2.0), List.of(
                new StrategySpec("vacl", "vacl", Map.of("learn_epochs", 1, "weight", 1e-2))), List.of(0L));
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, tmp), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        RunResult r = new ResultStore(tmp).all().get(0);
        assertTrue(r.compression_actual() >= 2.0 - 0.01, "" + r.compression_actual());
        assertFalse(Double.isNaN(r.speedup_measured()), "the rebuilt network is timed");
        Path run = tmp.resolve("runs").resolve(r.run_id());
        List<String[]> layers = Files.readAllLines(run.resolve("layers.csv")).stream().skip(1)
                .map(l -> l.split(",")).toList();
        List<String> names = layers.stream().map(f -> f[0]).toList();
        // stem conv + bn (3), 3 x (conv1, bn1 x 2, conv2, bn2 x 2) (18), fc weight (1); no bias anywhere but fc's,
        // which a stream channel does not touch
        assertEquals(22, layers.size(), names.toString());
        for (String n : List.of("conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.bn2.weight", "linear.weight")) {
            assertTrue(names.contains(n), n + " in " + names);
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
                new StrategySpec("vacl", "vacl", Map.of("learn_epochs", 1, "weight", 1e-2,
                        "remove_tied_groups", false))), List.of(0L));
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
