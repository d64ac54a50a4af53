package prunebench.strategies.penalty;

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
import prunebench.strategies.magnitude.GlobalMagnitude;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;

/** l_half, swd and lc through the grid runner: a penalised stage, the prune to the target, fine-tuning. */
class PenaltyRunTest {
    @TempDir
    Path tmp;

    @Test
    void eachTrainsUnderItsPenaltyThenPrunesToTheTarget() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 128, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new ModifiedL12Pruning(), new SelectiveWeightDecayPruning(),
                        new LearningCompressionPruning(), new GlobalMagnitude())), new PrintStream(log, true));
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(8.0), List.of(
                new StrategySpec("l_half", "l_half", Map.of("learn_epochs", 1)),
                new StrategySpec("swd", "swd", Map.of("learn_epochs", 1)),
                new StrategySpec("lc", "lc", Map.of("learn_epochs", 1, "lc_steps", 3))), List.of(0L));
        Path dir = tmp.resolve("a");
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, dir), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        Map<String, RunResult> results = new ResultStore(dir).all().stream()
                .collect(Collectors.toMap(RunResult::strategy, r -> r));
        for (String label : List.of("l_half", "swd", "lc")) {
            RunResult r = results.get(label);
            assertTrue(r.compression_actual() >= 8.0 - 0.01, label + " " + r.compression_actual());
            List<String> epochs = Files.readAllLines(dir.resolve("runs").resolve(r.run_id()).resolve("epochs.csv"));
            assertTrue(epochs.stream().anyMatch(l -> l.startsWith("sparsify,")), label + " " + epochs);
            assertTrue(Double.isFinite(r.top1()), label);
        }
    }
}
