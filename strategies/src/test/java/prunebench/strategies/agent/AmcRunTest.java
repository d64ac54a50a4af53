package prunebench.strategies.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
import prunebench.strategies.structured.L1Filter;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;

/**
 * {@code amc} through the grid runner on LeNet-5 beside {@code l1_filter} at the same speedup: a short search
 * rewarded on the held-out split meets the target, and the same seed gives the same prune.
 */
class AmcRunTest {
    @TempDir
    Path tmp;

    private static final Map<String, Object> SMALL = Map.of("episodes", 6, "warmup", 2, "hidden1", 16, "hidden2", 16,
            "batch", 8);

    private Map<String, RunResult> run(Path dir, Integer validation) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 128, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new Amc(), new L1Filter())), new PrintStream(log, true));
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(2.0), List.of(
                new StrategySpec("amc", "amc", SMALL),
                new StrategySpec("l1_filter", "l1_filter", Map.of("target", "speedup"))), List.of(0L))
                .withDataset(new DatasetSpec("synthetic", ".", null, null, null, validation));
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, dir), false);
        if (validation != null) {
            assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        }
        return new ResultStore(dir).all().stream().collect(Collectors.toMap(RunResult::strategy, r -> r));
    }

    @Test
    void searchesOnTheValidationSplitMeetsTheSpeedupAndIsReproducible() throws Exception {
        Map<String, RunResult> first = run(tmp.resolve("a"), 64);
        RunResult amc = first.get("amc");
        assertTrue(amc.speedup_theoretical() >= 2.0, "speedup " + amc.speedup_theoretical());
        assertTrue(first.get("l1_filter").speedup_theoretical() >= 2.0);
        assertFalse(Double.isNaN(amc.val_top1()));
        assertFalse(Double.isNaN(amc.top1_pre_finetune()));
        Map<String, RunResult> second = run(tmp.resolve("b"), 64);
        RunResult again = second.get("amc");
        assertEquals(amc.speedup_theoretical(), again.speedup_theoretical(), 0.0);
        assertEquals(amc.compression_actual(), again.compression_actual(), 0.0);
        assertEquals(amc.top1_pre_finetune(), again.top1_pre_finetune(), 0.0);
        assertEquals(amc.top1(), again.top1(), 0.0);
    }

    @Test
    void refusesToSearchWithoutAValidationSplit() throws Exception {
        RunResult amc = run(tmp.resolve("c"), null).get("amc");
        assertEquals(RunResult.FAILED, amc.status());
        assertTrue(amc.error().contains("dataset.validation"), amc.error());
    }
}
