package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
import prunebench.strategies.random.RandomPruning;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;
import prunebench.util.TensorFiles;

/** A RigL run through the grid runner: its counts in runs.csv, the final masks in layers.csv and masks.npz. */
class DynamicRunTest {
    @TempDir
    Path tmp;

    @Test
    void rigLRunRecordsItsMaskUpdatesAndFinalMasks() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(512, 256, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new RigL(), new RandomPruning())), new PrintStream(log, true));
        // Sparse training: pretrain 2 + finetune 1 epochs of 16 steps = 48; updates every 5 before step 36.
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(8.0),
                List.of(new StrategySpec("rigl", "rigl", Map.of("update_interval", 5)),
                        new StrategySpec("random", "random", Map.of("at", "init", "distribution", "erk"))),
                List.of(0L));
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, tmp), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);

        List<RunResult> results = new ResultStore(tmp).all();
        RunResult rigl = results.stream().filter(r -> r.strategy().equals("rigl")).findFirst().orElseThrow();
        RunResult random = results.stream().filter(r -> r.strategy().equals("random")).findFirst().orElseThrow();
        assertEquals(7, rigl.mask_updates()); // after steps 5, 10, ..., 35
        assertTrue(rigl.connections_changed_mean() > 10, "changed " + rigl.connections_changed_mean());
        assertEquals(8.0, rigl.compression_actual(), 0.01);
        assertEquals(0, random.mask_updates());
        assertTrue(Double.isNaN(random.connections_changed_mean()));
        String csv = Files.readString(tmp.resolve("runs.csv"));
        assertTrue(csv.lines().findFirst().orElseThrow().contains(",error,mask_updates,connections_changed_mean,"),
                csv);

        Path dir = tmp.resolve("runs").resolve(rigl.run_id());
        List<String> layers = Files.readAllLines(dir.resolve("layers.csv"));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> npz = TensorFiles.load(dir.resolve("masks.npz"), m);
            boolean moved = false;
            for (String line : layers.subList(1, layers.size())) {
                String[] f = line.split(",");
                // Masks are stored as booleans under PyTorch's names (layers.csv's too).
                float[] initial = npz.get("mask/" + f[0]).toType(DataType.FLOAT32, false).toFloatArray();
                float[] last = npz.get("final_mask/" + f[0]).toType(DataType.FLOAT32, false).toFloatArray();
                assertEquals(Long.parseLong(f[3]), sum(last), line); // layers.csv counts the final mask
                assertEquals(sum(initial), sum(last), line); // and the count never changed
                moved |= !Arrays.equals(initial, last);
            }
            assertTrue(moved, "the final masks differ from the initial ones");
        }
    }

    @Test
    void setOnMocanusScheduleRewiresAfterEveryEpochButTheLast() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(512, 256, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new SparseEvolutionary())), new PrintStream(log, true));
        // Sparse training for pretrain 2 + finetune 1 = 3 epochs of 16 steps: rewired after epochs 1 and 2.
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(8.0),
                List.of(new StrategySpec("set", "set", Map.of("schedule", "mocanu"))), List.of(0L));
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, tmp), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        RunResult set = new ResultStore(tmp).all().get(0);
        assertEquals(2, set.mask_updates());
        assertTrue(set.connections_changed_mean() > 10, "changed " + set.connections_changed_mean());
        assertEquals(8.0, set.compression_actual(), 0.01);
    }

    private static long sum(float[] a) {
        long s = 0;
        for (float v : a) {
            s += (long) v;
        }
        return s;
    }
}
