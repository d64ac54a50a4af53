package prunebench.strategies.learned;

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

/** {@code l0_channels} through the grid runner: channel gates learned, whole channels removed, network rebuilt. */
class L0ChannelsRunTest {
    @TempDir
    Path tmp;

    @Test
    void learnsChannelGatesRemovesWholeChannelsAndRebuildsTheNetwork() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 128, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new L0Channels())), new PrintStream(log, true));
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(4.0), List.of(
                new StrategySpec("l0_channels", "l0c", Map.of("learn_epochs", 1))), List.of(0L));
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, tmp), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        List<RunResult> all = new ResultStore(tmp).all();
        assertEquals(1, all.size());
        RunResult r = all.get(0);
        // channels come whole: the budget is met from below, close to it
        assertTrue(r.compression_actual() >= 4.0 - 0.01 && r.compression_actual() < 5.0, "" + r.compression_actual());
        assertTrue(r.speedup_theoretical() > 1, "" + r.speedup_theoretical());
        assertFalse(Double.isNaN(r.speedup_measured()), "the rebuilt network is timed");
        Path run = tmp.resolve("runs").resolve(r.run_id());
        assertTrue(Files.readAllLines(run.resolve("epochs.csv")).stream().anyMatch(l -> l.startsWith("learn,")));
        // layer,shape,parameters,kept,density: every conv/linear layer keeps whole filters x whole input channels
        List<String[]> layers = Files.readAllLines(run.resolve("layers.csv")).stream().skip(1)
                .map(l -> l.split(",")).filter(f -> f[0].endsWith("weight")).toList();
        assertFalse(layers.isEmpty());
        String[] first = layers.get(0); // conv1 6x1x5x5: one input channel, so whole 25-weight filters
        long perFilter = Long.parseLong(first[2]) / 6;
        assertEquals(25, perFilter, String.join(",", first));
        assertEquals(0, Long.parseLong(first[3]) % perFilter, String.join(",", first));
        assertTrue(layers.stream().anyMatch(f -> Long.parseLong(f[3]) < Long.parseLong(f[2])), "something went");
    }
}
