package prunebench.strategies.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.config.StrategySpec;
import prunebench.data.DatasetRegistry;
import prunebench.model.LeNet5;
import prunebench.model.ModelRegistry;
import prunebench.prune.InitScale;
import prunebench.prune.StrategyRegistry;
import prunebench.run.ExperimentRunner;
import prunebench.run.ResultStore;
import prunebench.run.RunResult;
import prunebench.run.RunSpec;
import prunebench.strategies.magnitude.GlobalMagnitude;
import prunebench.strategies.random.RandomPruning;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;

/**
 * {@code init_scale: isometry} on a strategy entry (Lee et al. 2020's approximate isometry after SNIP or a random
 * mask): planned for that entry only, refused on a pretrained prune, and a run through the grid runner.
 */
class IsometryRunTest {
    @TempDir
    Path tmp;

    private ExperimentRunner runner(ByteArrayOutputStream log) {
        return new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 128, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new Snip(), new RandomPruning(), new GlobalMagnitude())),
                new PrintStream(log, true));
    }

    @Test
    void theEntrysIsometryIsItsOwnAndTheSparseNetworkTrains() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = runner(log);
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(10.0), List.of(
                new StrategySpec("snip", "snip", Map.of()),
                new StrategySpec("snip", "snip_isometry", Map.of("init_scale", "isometry")),
                new StrategySpec("random", "random_isometry", Map.of("at", "init", "init_scale", "isometry"))),
                List.of(0L));
        Path dir = tmp.resolve("a");
        ExperimentRunner.Plan plan = runner.prepare(spec, dir);
        Map<String, RunSpec> runs = plan.runs().stream().collect(Collectors.toMap(r -> r.strategy().label(), r -> r));
        assertEquals(InitScale.DENSE, runs.get("snip").initScale());
        assertEquals(InitScale.ISOMETRY, runs.get("snip_isometry").initScale());
        assertEquals(InitScale.ISOMETRY, runs.get("random_isometry").initScale());
        assertNotEquals(runs.get("snip").identity(), runs.get("snip_isometry").identity());
        // the run itself: snip with and without (the random mask's run is the same stage after another prune)
        spec = Experiments.tiny("lenet5", List.of(10.0), spec.pruning().strategies().subList(0, 2), List.of(0L));
        plan = runner.prepare(spec, dir);
        ExperimentRunner.Outcome outcome = runner.run(plan, false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        for (RunResult r : new ResultStore(dir).all()) {
            assertTrue(r.compression_actual() >= 10.0 - 0.01, r.strategy() + " " + r.compression_actual());
            assertTrue(Double.isFinite(r.top1()), r.strategy());
        }
    }

    @Test
    void aPrunedPretrainedNetworkOrAnUnknownNameIsRefused() {
        ExperimentRunner runner = runner(new ByteArrayOutputStream());
        for (StrategySpec bad : List.of(
                new StrategySpec("global_magnitude", "g", Map.of("init_scale", "isometry")),
                new StrategySpec("snip", "s", Map.of("init_scale", "orthogonal")))) {
            ExperimentSpec spec = Experiments.tiny("lenet5", List.of(10.0), List.of(bad), List.of(0L));
            ConfigException e = assertThrows(ConfigException.class, () -> runner.prepare(spec, tmp.resolve("b")));
            assertTrue(e.getMessage().contains("init_scale"), e.getMessage());
        }
    }
}
