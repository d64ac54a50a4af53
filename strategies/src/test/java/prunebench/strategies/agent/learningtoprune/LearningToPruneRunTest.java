package prunebench.strategies.agent.learningtoprune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.DatasetSpec;
import prunebench.config.ExperimentSpec;
import prunebench.config.StrategySpec;
import prunebench.data.DatasetRegistry;
import prunebench.model.LeNet5;
import prunebench.model.ModelRegistry;
import prunebench.prune.StrategyRegistry;
import prunebench.run.ExperimentRunner;
import prunebench.run.ResultStore;
import prunebench.run.RunResult;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;

/**
 * {@code learning_to_prune} through the grid runner on LeNet-5: the agents search on the held-out validation split,
 * whole filters go to the grid's compression, the search repeats exactly from the seed, and a run without a
 * validation split fails saying why.
 */
class LearningToPruneRunTest {
    @TempDir
    Path tmp;

    private static final Map<String, Object> SMALL = Map.of("episodes", 3, "samples", 3, "layer_finetune_steps", 2);

    private ExperimentRunner runner(ByteArrayOutputStream log) {
        return new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 128, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new LearningToPrune())), new PrintStream(log, true));
    }

    private static ExperimentSpec spec(Integer validation) {
        ExperimentSpec tiny = Experiments.tiny("lenet5", List.of(4.0), List.of(
                new StrategySpec("learning_to_prune", "ltp", SMALL)), List.of(0L));
        return tiny.withDataset(new DatasetSpec("synthetic", ".", null, null, null, validation));
    }

    private RunResult run(Path dir, ExperimentSpec spec) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = runner(log);
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, dir), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        List<RunResult> all = new ResultStore(dir).all();
        assertEquals(1, all.size());
        return all.get(0);
    }

    @Test
    void searchesOnValidationRemovesWholeFiltersAndRepeatsFromTheSeed() throws Exception {
        RunResult a = run(tmp.resolve("a"), spec(64));
        assertEquals(4.0, a.compression_actual(), 0.5, "whole channels, close to the target");
        assertTrue(a.compression_actual() >= 4.0 - 0.01);
        assertTrue(a.speedup_theoretical() > 1, "" + a.speedup_theoretical());
        assertFalse(Double.isNaN(a.val_top1()), "the run has a validation split");
        assertTrue(a.prune_seconds() > 0);
        Path layers = tmp.resolve("a").resolve("runs").resolve(a.run_id()).resolve("layers.csv");
        List<String[]> rows = Files.readAllLines(layers).stream().skip(1).map(l -> l.split(","))
                .filter(f -> f[0].endsWith("weight")).toList();
        String[] conv1 = rows.get(0); // 6 x 1 x 5 x 5: whole 25-weight filters kept
        assertEquals(0, Long.parseLong(conv1[3]) % 25, String.join(",", conv1));

        RunResult b = run(tmp.resolve("b"), spec(64));
        assertEquals(a.top1(), b.top1(), 0.0, "the same seed searches and fine-tunes the same way");
        assertEquals(a.val_top1(), b.val_top1(), 0.0);
        assertEquals(Files.readAllLines(layers), Files.readAllLines(tmp.resolve("b").resolve("runs")
                .resolve(b.run_id()).resolve("layers.csv")));
    }

    @Test
    void withoutAValidationSplitTheRunFailsSayingWhy() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = runner(log);
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec(null), tmp), false);
        assertEquals(1, outcome.failed().size(), log.toString());
        RunResult r = new ResultStore(tmp).all().get(0);
        assertTrue(r.error().contains("dataset.validation"), r.error());
    }
}
