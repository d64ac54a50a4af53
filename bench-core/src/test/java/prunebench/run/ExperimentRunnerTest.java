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
        String csv = Files.readString(tmp.resolve("runs.csv"));
        assertTrue(csv.startsWith("run_id,") && csv.lines().findFirst().orElseThrow().endsWith(",speedup_measured,val_top1,budget"),
                csv);
        assertTrue(log.toString().contains("(measured "), log.toString());
    }

    @Test
    void heldOutExamplesGiveValTop1AndPrunableCompressionCountsOnlyThePrunableTensors() throws Exception {
        ExperimentSpec base = Experiments.tiny("lenet5", List.of(4.0), List.of(Experiments.strategy("magnitude")),
                List.of(0L));
        ExperimentSpec spec = new ExperimentSpec(base.name(), base.model(),
                new prunebench.config.DatasetSpec("synthetic", ".", null, null, null, 64), base.seeds(), base.device(),
                base.threads(), base.workers(), base.pretrain(), base.finetune(),
                new prunebench.config.PruningSpec(List.of(4.0), false, false, base.pruning().strategies(),
                        prunebench.config.PruningSpec.PRUNABLE), base.report(), 0.5);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner r = runner(log);
        ExperimentRunner.Plan plan = r.prepare(spec, tmp);
        assertEquals(512 - 64, plan.data().train().size());
        assertEquals(64, plan.data().validation().size());
        assertTrue(r.run(plan, false).failed().isEmpty(), log.toString());
        RunResult result = new ResultStore(tmp).all().get(0);
        assertTrue(result.val_top1() >= 0 && result.val_top1() <= 1, result.toString());
        assertEquals(0.5, result.budget());
        // kept prunable weights = round(prunable / 4), whatever the unprunable parameters
        long prunable = 0;
        long kept = 0;
        List<String> lines = Files.readAllLines(tmp.resolve("runs").resolve(result.run_id()).resolve("layers.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            prunable += Long.parseLong(f[2]);
            kept += Long.parseLong(f[3]);
        }
        assertEquals(Math.round(prunable / 4.0), kept);
        assertTrue(result.compression_actual() < 3.9, "all parameters / nonzero: " + result.compression_actual());
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
