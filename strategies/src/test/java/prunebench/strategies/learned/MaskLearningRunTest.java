package prunebench.strategies.learned;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * {@code sparse_gates} and {@code autoprune} through the grid runner: a learning stage, the prune to the target, the
 * fine-tuning, the learned compression of their own rule recorded, and the same numbers on a second run.
 */
class MaskLearningRunTest {
    @TempDir
    Path tmp;

    private Map<String, RunResult> run(Path dir, ByteArrayOutputStream log) throws Exception {
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 128, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new SparseGates(), new AutoPrune())), new PrintStream(log, true));
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(8.0), List.of(
                new StrategySpec("sparse_gates", "sparse_gates", Map.of("learn_epochs", 1, "lambda_l1", 1e-3)),
                new StrategySpec("autoprune", "autoprune", Map.of("learn_epochs", 1, "lambda", 1e-3))),
                List.of(0L));
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, dir), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        return new ResultStore(dir).all().stream().collect(Collectors.toMap(RunResult::strategy, r -> r));
    }

    @Test
    void eachLearnsPrunesToTheTargetRecordsItsOwnRuleAndRepeats() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, RunResult> first = run(tmp.resolve("a"), log);
        for (String label : List.of("sparse_gates", "autoprune")) {
            RunResult r = first.get(label);
            assertEquals(8.0, r.compression_actual(), 0.01, label);
            assertTrue(r.learned_compression() >= 1, label + " " + r.learned_compression());
            List<String> epochs = Files.readAllLines(tmp.resolve("a").resolve("runs").resolve(r.run_id())
                    .resolve("epochs.csv"));
            assertTrue(epochs.stream().anyMatch(l -> l.startsWith("learn,")), label + " " + epochs);
        }
        Map<String, RunResult> second = run(tmp.resolve("b"), log);
        for (String label : first.keySet()) {
            assertEquals(first.get(label).top1(), second.get(label).top1(), label);
            assertEquals(first.get(label).learned_compression(), second.get(label).learned_compression(), label);
            assertEquals(first.get(label).params_nonzero(), second.get(label).params_nonzero(), label);
        }
    }
}
