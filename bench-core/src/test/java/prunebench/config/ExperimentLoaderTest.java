package prunebench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ExperimentSpec.DeviceChoice;

class ExperimentLoaderTest {
    private final ExperimentLoader loader = Fakes.loader();

    @Test
    void loadsTheQuickstartExample(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("quickstart.yaml");
        Files.writeString(file, Experiments.QUICKSTART);

        ExperimentSpec spec = loader.load(file);

        assertEquals("quickstart", spec.name());
        assertEquals("lenet5", spec.model());
        assertEquals(new DatasetSpec("fashion-mnist", null, null, null, null), spec.dataset());
        assertEquals(List.of(0L, 1L), spec.seeds());
        assertEquals(DeviceChoice.AUTO, spec.device());
        assertEquals(1, spec.threads());
        assertNull(spec.workers());
        assertEquals(new TrainSchedule(3, 128,
                new OptimizerSpec("sgd", 0.05, 0.9, false, 0, 0, 0, 0),
                new LrScheduleSpec("cosine", 0, List.of(), 0.1)), spec.pretrain());
        assertEquals(new TrainSchedule(1, 128,
                new OptimizerSpec("sgd", 0.01, 0.9, false, 0, 0, 0, 0),
                new LrScheduleSpec("constant", 0, List.of(), 0.1)), spec.finetune());
        assertEquals(new PruningSpec(List.of(1.0, 2.0, 4.0, 8.0, 16.0, 32.0), false, false, List.of(
                new StrategySpec("random", "random", Map.of()),
                new StrategySpec("global_magnitude", "global_magnitude", Map.of()),
                new StrategySpec("snip", "snip-1shot", Map.of("iterations", 1)))), spec.pruning());
        assertEquals(Map.of(), spec.report());
    }

    @Test
    void datasetDownloadIsAFlagOfTheExperimentNotOfItsRuns() {
        ExperimentSpec plain = loader.parse(Experiments.QUICKSTART, "q.yaml", List.of());
        ExperimentSpec download = loader.parse(Experiments.QUICKSTART, "q.yaml", List.of("dataset.download=true"));
        assertFalse(plain.download());
        assertTrue(download.download());
        assertEquals(plain.dataset(), download.dataset()); // not in the dataset's identity
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse(Experiments.QUICKSTART, "q.yaml", List.of("dataset.download=maybe")));
        assertTrue(e.getMessage().contains("dataset.download"), e.getMessage());
    }

    @Test
    void fillsDefaults() {
        ExperimentSpec spec = loader.parse("""
                name: minimal
                model: lenet300100
                dataset: {name: mnist}
                pretrain: {epochs: 0}
                pruning: {compressions: [2], strategies: [random]}
                """, "min.yaml", List.of());

        assertEquals(List.of(0L), spec.seeds());
        assertEquals(DeviceChoice.AUTO, spec.device());
        assertEquals(1, spec.threads());
        assertNull(spec.workers());
        TrainSchedule defaults = new TrainSchedule(0, 128, new OptimizerSpec("sgd", 0.1, 0.9, false, 0, 0, 0, 0),
                new LrScheduleSpec("constant", 0, List.of(), 0.1));
        assertEquals(defaults, spec.pretrain());
        assertEquals(defaults, spec.finetune());
        assertEquals(new PruningSpec(List.of(2.0), false, false, List.of(new StrategySpec("random", "random",
                Map.of()))), spec.pruning());
    }

    @Test
    void readsEveryOptionalKey() {
        ExperimentSpec spec = loader.parse(Experiments.FULL, "full.yaml", List.of());

        assertEquals("full-1.0_b", spec.name());
        assertEquals(new DatasetSpec("cifar10", "/data/c10", 1000, 200, false), spec.dataset());
        assertEquals(List.of(3L, 1L, 2L), spec.seeds());
        assertEquals(DeviceChoice.GPU, spec.device());
        assertEquals(4, spec.threads());
        assertEquals(2, spec.workers());
        assertEquals(new TrainSchedule(30, 64, new OptimizerSpec("adam", 3e-4, 0, false, 5e-4, 0.8, 0.99, 1e-6),
                new LrScheduleSpec("step", 0.5, List.of(10, 20), 0.2)), spec.pretrain());
        assertEquals(new TrainSchedule(2, 128, new OptimizerSpec("sgd", 0.01, 0.5, true, 1e-4, 0, 0, 0),
                new LrScheduleSpec("cosine", 1, List.of(), 0.1)), spec.finetune());
        assertEquals(List.of(1.5, 3.0, 10.0), spec.pruning().compressions());
        assertEquals(true, spec.pruning().pruneClassifier());
        assertEquals(true, spec.pruning().pruneBiases());
        StrategySpec typed = spec.pruning().strategies().get(0);
        assertEquals("typed", typed.label());
        // An integer written for a double-typed parameter becomes a double.
        assertEquals(Map.of("alpha", 2.0, "steps", 5, "mode", "slow", "flag", false, "distribution", "erk"),
                typed.params());
        assertEquals(List.of("alpha", "distribution", "flag", "mode", "steps"), List.copyOf(typed.params().keySet()));
        assertEquals(Map.of("metrics", List.of("top1", "top5"), "baseline", "random", "plot", Map.of("log_x", true)),
                spec.report());
    }

    @Test
    void adamDefaults() {
        ExperimentSpec spec = loader.parse(Experiments.replaceLine(9, "    name: adam").replace("    lr: 0.05\n", ""),
                "x.yaml", List.of());
        assertEquals(new OptimizerSpec("adam", 0.001, 0, false, 0, 0.9, 0.999, 1e-8), spec.pretrain().optimizer());
    }

    @Test
    void anExplicitNullMeansTheDefault() {
        ExperimentSpec spec = loader.parse(Experiments.BLOCK + "threads: null\n", "x.yaml",
                List.of("pretrain.optimizer.lr=null"));
        assertEquals(1, spec.threads());
        assertEquals(0.1, spec.pretrain().optimizer().lr());
    }
}
