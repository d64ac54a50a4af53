package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ExperimentSpec;
import prunebench.config.StrategySpec;
import prunebench.data.DatasetRegistry;
import prunebench.model.LeNet5;
import prunebench.model.ModelRegistry;
import prunebench.prune.Scratch;
import prunebench.prune.StrategyRegistry;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;
import prunebench.testing.TestChannelScores;
import prunebench.testing.TestMagnitude;

/**
 * Scratch baselines (Liu et al. 2019) run for real: the pruned masks retrain from a fresh initialisation with the
 * dense training's schedule, for its epochs (Scratch-E) or its multiply-adds (Scratch-B), and train_flops counts
 * the dense pretraining plus the scratch training.
 */
class ScratchRunTest {
    @TempDir
    Path tmp;

    @Test
    void scratchBTrainsTheDenseMultiplyAddsAndCountsThem() throws Exception {
        // Liu et al.'s code: int(160 * flops_std / flops_small); LeNet-5 dense 416,520 MACs pruned to 104,130 = 4x
        assertEquals(640, Scratch.flopsMatchedEpochs(160, 416_520, 104_130));
        assertEquals(2, Scratch.flopsMatchedEpochs(2, 416_520, 381_836), "floor(2 x 1.09) = 2");
        assertEquals(5, Scratch.flopsMatchedEpochs(2, 416_520, 150_000), "floor(2 x 2.78) = 5");

        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(4.0), List.of(
                new StrategySpec("magnitude", "scratch_e", Map.of("retrain", "scratch", "scratch_budget", "epochs")),
                new StrategySpec("magnitude", "scratch_b", Map.of("retrain", "scratch", "scratch_budget", "flops")),
                new StrategySpec("test_channels", "filters_b", Map.of("retrain", "scratch", "scratch_budget",
                        "flops"))), List.of(0L));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 128, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new TestMagnitude(), new TestChannelScores())), new PrintStream(log, true));
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, tmp), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        List<RunResult> results = new ResultStore(tmp).all();
        double examples = 256; // per epoch; pretrain: 2 epochs of the dense network
        for (RunResult r : results) {
            int dense = 2;
            int expected = r.strategy().equals("scratch_e") ? dense
                    : (int) Math.floor(dense * (double) r.flops() / r.flops_nonzero());
            assertEquals(expected, r.epochs_trained(), r.strategy());
            assertEquals(3.0 * examples * (dense * r.flops() + expected * r.flops_nonzero()), r.train_flops(),
                    1e-6 * r.train_flops(), r.strategy());
            List<String> epochs = Files.readAllLines(tmp.resolve("runs").resolve(r.run_id()).resolve("epochs.csv"));
            assertEquals(expected, epochs.stream().filter(l -> l.contains("scratch")).count(), r.strategy());
        }
        RunResult b = results.stream().filter(r -> r.strategy().equals("scratch_b")).findFirst().orElseThrow();
        assertTrue(b.epochs_trained() > 2, "4x fewer weights, more epochs: " + b.epochs_trained());
        RunResult filters = results.stream().filter(r -> r.strategy().equals("filters_b")).findFirst().orElseThrow();
        assertTrue(filters.epochs_trained() > 2, "filters removed, more epochs: " + filters.epochs_trained());
    }
}
