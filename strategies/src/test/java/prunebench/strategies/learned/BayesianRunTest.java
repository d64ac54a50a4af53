package prunebench.strategies.learned;

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

/** {@code sbp} and {@code bayesian_compression} through the grid runner on LeNet-5: learn, prune to 4x, own rule. */
class BayesianRunTest {
    @TempDir
    Path tmp;

    @Test
    void bothLearnPruneToTheTargetAndRecordTheirOwnRule() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 128, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new StructuredBayesianPruning(), new BayesianCompression())),
                new PrintStream(log, true));
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(4.0), List.of(
                new StrategySpec("sbp", "sbp", Map.of("learn_epochs", 1)),
                new StrategySpec("bayesian_compression", "bc", Map.of("learn_epochs", 1))), List.of(0L));
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, tmp), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        Map<String, RunResult> all = new ResultStore(tmp).all().stream()
                .collect(Collectors.toMap(RunResult::strategy, r -> r));
        for (String label : List.of("sbp", "bc")) {
            RunResult r = all.get(label);
            // whole groups are ranked together; the global cut may split a group's ties only at the boundary
            assertEquals(4.0, r.compression_actual(), 0.05, label);
            assertTrue(r.learned_compression() >= 1, label + " " + r.learned_compression());
            assertFalse(Double.isNaN(r.learned_top1()), label);
            assertFalse(Double.isNaN(r.top1()), label);
        }
    }
}
