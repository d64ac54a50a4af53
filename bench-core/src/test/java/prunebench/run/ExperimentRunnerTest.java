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
import prunebench.data.DatasetRegistry;
import prunebench.model.LeNet5;
import prunebench.model.ModelRegistry;
import prunebench.prune.StrategyRegistry;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;
import prunebench.testing.TestChannelScores;
import prunebench.testing.TestMagnitude;

class ExperimentRunnerTest {
    @TempDir
    Path tmp;

    ExperimentRunner runner(ByteArrayOutputStream log) {
        return new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(512, 256, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new TestMagnitude(), new TestChannelScores())), new PrintStream(log, true));
    }

    @Test
    void structuredRunsReachTheirTargetAndEveryRunMeasuresItsSpeed() throws Exception {
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(1.0, 4.0),
                List.of(Experiments.strategy("magnitude"), Experiments.strategy("test_channels")), List.of(0L));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner r = runner(log);
        ExperimentRunner.Outcome outcome = r.run(r.prepare(spec, tmp), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        List<RunResult> results = new ResultStore(tmp).all();
        assertEquals(4, results.size());
        RunResult structured = results.stream().filter(x -> x.strategy().equals("test_channels")
                && x.compression() == 4).findFirst().orElseThrow();
        assertTrue(structured.compression_actual() >= 4 && structured.compression_actual() < 5,
                "compression " + structured.compression_actual());
        assertTrue(structured.speedup_theoretical() > 1.5, "speedup " + structured.speedup_theoretical());
        for (RunResult x : results) {
            assertTrue(x.speedup_measured() > 0 && Double.isFinite(x.speedup_measured()), x.toString());
        }
        // Pretraining plus fine-tuning: the pruned network's fine-tuning costs less than the dense one's.
        RunResult dense = results.stream().filter(x -> x.strategy().equals("test_channels") && x.compression() == 1)
                .findFirst().orElseThrow();
        assertTrue(structured.train_flops() > 0 && structured.train_flops() < dense.train_flops(),
                structured.train_flops() + " vs " + dense.train_flops());
        String csv = Files.readString(tmp.resolve("runs.csv"));
        assertTrue(csv.startsWith("run_id,") && csv.lines().findFirst().orElseThrow()
                .endsWith(",speedup_measured,epochs_trained,level,train_flops"),
                csv);
        assertTrue(log.toString().contains("(measured "), log.toString());
    }

    @Test
    void runsTheGridAndSkipsFinishedRunsOnRerun() throws Exception {
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(1.0, 4.0, 16.0),
                List.of(Experiments.strategy("magnitude")), List.of(0L));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner r = runner(log);
        ExperimentRunner.Outcome first = r.run(r.prepare(spec, tmp), false);
        assertEquals(3, first.executed(), log.toString());
        assertTrue(first.failed().isEmpty(), first.failed().toString());

        List<RunResult> results = new ResultStore(tmp).all();
        assertEquals(3, results.size());
        RunResult dense = results.get(0);
        assertEquals(1.0, dense.compression());
        assertEquals(61_706, dense.params());
        assertEquals(416_520, dense.flops());
        assertEquals(1.0, dense.compression_actual(), 1e-3);
        assertTrue(dense.top1() > 0.9, "the synthetic task is easy: " + dense.top1());
        RunResult c16 = results.get(2);
        assertEquals(16.0, c16.compression_actual(), 0.05);
        assertTrue(c16.speedup_theoretical() > 1.5);
        assertTrue(Files.readString(tmp.resolve("runs.csv")).startsWith("run_id,strategy,strategy_name,compression"));

        ExperimentRunner.Outcome second = r.run(r.prepare(spec, tmp), false);
        assertEquals(0, second.executed());
        assertEquals(3, second.skipped());
    }

    @Test
    void runsFromAThreadOtherThanTheEnginesFirst() throws Exception {
        // libtorch starts other threads with grad mode on; in-place updates of weights must still work there.
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(4.0), List.of(Experiments.strategy("magnitude")),
                List.of(1L));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner r = runner(log);
        ExperimentRunner.Outcome[] outcome = new ExperimentRunner.Outcome[1];
        Exception[] error = new Exception[1];
        ai.djl.engine.Engine.getInstance(); // loads libtorch on this thread
        Thread t = new Thread(() -> {
            ai.djl.pytorch.jni.JniUtils.setGradMode(true);
            try {
                outcome[0] = r.run(r.prepare(spec, tmp.resolve("thread")), false);
            } catch (Exception e) {
                error[0] = e;
            }
        });
        t.start();
        t.join();
        if (error[0] != null) {
            throw error[0];
        }
        assertTrue(outcome[0].failed().isEmpty(), outcome[0].failed() + "\n" + log);
        assertEquals(1, outcome[0].executed());
    }
}
