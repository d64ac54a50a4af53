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
import prunebench.strategies.magnitude.GlobalMagnitude;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;

/** Learned strategies through the grid runner: learning stage, prune to the target, fine-tuning, same numbers again. */
class LearnedRunTest {
    @TempDir
    Path tmp;

    private Map<String, RunResult> run(Path dir, ByteArrayOutputStream log) throws Exception {
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 128, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new L0(), new VariationalDropout(), new ContinuousSparsification(),
                        new GroupLasso(), new GlobalMagnitude())), new PrintStream(log, true));
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(8.0), List.of(
                new StrategySpec("l0", "l0", Map.of("learn_epochs", 1)),
                // the paper's Table 1 form: feature-map and input-neuron gates, a lambda per layer, the L2 term
                new StrategySpec("l0", "l0_paper", Map.of("learn_epochs", 1, "groups", "input_neurons",
                        "lambdas", Map.of("conv1", 10.0, "fc1", 0.5), "weight_decay", 5e-4)),
                new StrategySpec("variational_dropout", "vd", Map.of("learn_epochs", 1)),
                new StrategySpec("continuous_sparsification", "cs", Map.of("learn_epochs", 2, "learn_lr", 0.05)),
                new StrategySpec("group_lasso", "gl", Map.of("learn_epochs", 1))), List.of(0L));
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, dir), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        return new ResultStore(dir).all().stream().collect(Collectors.toMap(RunResult::strategy, r -> r));
    }

    @Test
    void eachLearnsPrunesToTheTargetAndFineTunesTheSameWayTwice() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, RunResult> first = run(tmp.resolve("a"), log);
        for (String label : List.of("l0", "l0_paper", "vd", "cs", "gl")) {
            RunResult r = first.get(label);
            assertTrue(r.compression_actual() >= 8.0 - 0.01, label + " " + r.compression_actual());
            List<String> epochs = Files.readAllLines(tmp.resolve("a").resolve("runs").resolve(r.run_id())
                    .resolve("epochs.csv"));
            String stage = label.equals("gl") ? "sparsify" : "learn";
            assertTrue(epochs.stream().anyMatch(l -> l.startsWith(stage + ",")), label + " " + epochs);
        }
        assertEquals(8.0, first.get("l0").compression_actual(), 0.01);
        assertEquals(8.0, first.get("l0_paper").compression_actual(), 0.05);
        assertEquals(2, Files.readAllLines(tmp.resolve("a").resolve("runs").resolve(first.get("cs").run_id())
                .resolve("epochs.csv")).stream().filter(l -> l.startsWith("learn,")).count());
        Map<String, RunResult> second = run(tmp.resolve("b"), log);
        for (String label : first.keySet()) {
            assertEquals(first.get(label).top1(), second.get(label).top1(), label);
            assertEquals(first.get(label).params_nonzero(), second.get(label).params_nonzero(), label);
        }
    }
}
