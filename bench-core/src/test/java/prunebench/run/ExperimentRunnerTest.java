package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
        return runner(log, 7);
    }

    /** A runner whose synthetic dataset is drawn from {@code dataSeed}: another seed is other data. */
    ExperimentRunner runner(ByteArrayOutputStream log, long dataSeed) {
        return new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(512, 256, 1, 28, 10,
                        dataSeed))), Map.of()),
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
                .contains(",speedup_measured,epochs_trained,level,train_flops,val_top1,budget,compression_all,compression_prunable,learned_compression,learned_top1,config"), csv.lines().findFirst().orElseThrow() + "\n" +
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
                        prunebench.prune.InitScale.DENSE, prunebench.config.PruningSpec.PRUNABLE), base.report(), true,
                0.5);
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
        // recorded on the experiment's basis (issue 27.1: it was all parameters / nonzero, < 3.9 here)
        assertEquals((double) prunable / kept, result.compression_actual(), 1e-9, result.toString());
        assertEquals(result.compression_actual(), result.compression_prunable(), 1e-12);
        assertEquals((double) result.params() / result.params_nonzero(), result.compression_all(), 1e-12);
        assertEquals(result.params() - (prunable - kept), result.params_nonzero());
        assertTrue(result.compression_all() < 3.9, "all parameters / kept: " + result.compression_all());
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

    /**
     * The same experiment run twice into one folder with another fine-tuning learning rate: two configs, each its own
     * group of n=1 with its own mean, named by the learning rate; each run keeps the settings it used.
     */
    @Test
    void settingsChangedBetweenInvocationsAreNeverPooledAsSeeds() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner r = runner(log);
        prunebench.config.ExperimentLoader loader = new prunebench.config.ExperimentLoader(
                new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(8, 8, 1, 28, 10, 7))), Map.of()),
                new StrategyRegistry(List.of(new TestMagnitude(), new TestChannelScores())));
        String yaml = """
                name: tiny
                model: lenet5
                dataset: {name: synthetic, root: .}
                seeds: [0]
                device: cpu
                pretrain: {epochs: 2, batch_size: 32, optimizer: {name: sgd, lr: 0.05}}
                finetune: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.01}}
                pruning: {compressions: [4], strategies: [magnitude]}
                """;
        List<ExperimentSpec> invocations = new java.util.ArrayList<>();
        for (String lr : List.of("0.01", "0.2")) {
            ExperimentSpec spec = loader.parse(yaml, "tiny.yaml", List.of("finetune.optimizer.lr=" + lr));
            invocations.add(spec);
            prunebench.config.ResolvedExperimentWriter.write(spec, tmp); // as the command line does
            assertTrue(r.run(r.prepare(spec, tmp), false).failed().isEmpty(), log.toString());
        }
        List<RunResult> results = new ResultStore(tmp).all();
        assertEquals(2, results.size());

        // Each run's own settings, loadable again: they plan exactly that run, with the same id.
        for (int i = 0; i < 2; i++) {
            RunSpec planned = r.prepare(invocations.get(i), tmp).runs().get(0);
            Path file = tmp.resolve("runs").resolve(planned.runId()).resolve("experiment.yaml");
            ExperimentSpec again = loader.load(file, List.of("dataset.root=.")); // the location is not recorded
            assertEquals(List.of(planned.runId()), r.prepare(again, tmp).runs().stream().map(RunSpec::runId).toList());
            assertEquals(i == 0 ? 0.01 : 0.2, again.finetune().optimizer().lr());
        }
        // A run of a shrunk protocol (--budget 0.5) keeps its budget in its settings: loaded again it is that run.
        ExperimentSpec e = invocations.get(0);
        ExperimentSpec half = new ExperimentSpec(e.name(), e.model(), e.dataset(), e.seeds(), e.device(), e.threads(),
                e.workers(), e.pretrain(), e.finetune(), e.pruning(), e.report(), e.saveWeights(), 0.5);
        RunSpec shrunk = r.preview(half, tmp).runs().get(0);
        ExperimentSpec reloaded = loader.parse(RunSettingsFile.yaml(half, shrunk), "experiment.yaml",
                List.of("dataset.root=."));
        assertEquals(0.5, reloaded.budget());
        assertEquals(shrunk.runId(), r.preview(reloaded, tmp).runs().get(0).runId());

        // runs.csv: a config column, and a column for the one setting that differs.
        tech.tablesaw.api.Table runs = tech.tablesaw.api.Table.read().csv(tmp.resolve("runs.csv").toFile());
        assertEquals(2, runs.column("config").unique().size(), runs.print());
        assertEquals(List.of("0.01", "0.2"), runs.column("finetune.optimizer.lr").asList().stream()
                .map(String::valueOf).sorted().toList(), runs.print());
        assertTrue(runs.columnNames().stream().filter(c -> c.contains(".")).toList()
                .equals(List.of("finetune.optimizer.lr")), runs.columnNames().toString());

        // The report: two groups of n=1, each the mean of its own run, named by the learning rate.
        prunebench.report.Report.rebuild(tmp);
        tech.tablesaw.api.Table summary = tech.tablesaw.api.Table.read().csv(tmp.resolve("summary.csv").toFile());
        assertEquals(2, summary.rowCount(), summary.print());
        assertEquals(runs.column("config").unique().asList().stream().map(String::valueOf).sorted().toList(),
                summary.column("config").asList().stream().map(String::valueOf).sorted().toList());
        for (double lr : new double[] {0.01, 0.2}) {
            String name = "magnitude (finetune.optimizer.lr=" + (lr == 0.01 ? "0.01" : "0.2") + ")";
            tech.tablesaw.api.Table row = summary.where(summary.stringColumn("strategy").isEqualTo(name));
            assertEquals(1, row.rowCount(), summary.print());
            assertEquals(1, row.intColumn("n").getInt(0));
            RunResult run = results.stream().filter(x -> runs.where(runs.stringColumn("run_id").isEqualTo(x.run_id()))
                    .column("finetune.optimizer.lr").getString(0).equals(lr == 0.01 ? "0.01" : "0.2"))
                    .findFirst().orElseThrow();
            assertEquals(run.top1(), row.doubleColumn("top1_mean").getDouble(0), 1e-12);
        }
        String md = Files.readString(tmp.resolve("report.md"));
        assertTrue(md.contains("| magnitude (finetune.optimizer.lr=0.01) | 4 | 1 |"), md);
        assertTrue(md.contains("| magnitude (finetune.optimizer.lr=0.2) | 4 | 1 |"), md);
        // Every config shown, with the invocation it came from; no invocation's settings overwritten.
        List<String> kept;
        try (var files = Files.list(tmp)) {
            kept = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("resolved-experiment-")).sorted()
                    .toList();
        }
        assertEquals(2, kept.size(), kept.toString());
        for (String k : kept) {
            assertTrue(md.contains(k + " |"), md);
        }
        String legend = Files.readString(tmp.resolve("plots/accuracy-vs-compression.svg"));
        assertTrue(legend.contains("magnitude (finetune.optimizer.lr=0.2)"), "legend names the learning rate");
    }

    @Test
    void anUnreadableRecordIsRerunAndAFinishedRunWithoutManifestGetsOne() throws Exception {
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(1.0, 4.0), List.of(Experiments.strategy("magnitude")),
                List.of(0L));
        ExperimentRunner r = runner(new ByteArrayOutputStream());
        ExperimentRunner.Plan plan = r.prepare(spec, tmp);
        r.run(plan, false);
        ResultStore store = new ResultStore(tmp);
        String dense = plan.runs().get(0).runId();
        String pruned = plan.runs().get(1).runId();
        Path metrics = store.metricsFile(pruned);
        String whole = Files.readString(metrics);
        Files.writeString(metrics, whole.substring(0, whole.length() / 3));
        Files.delete(store.runDir(dense).resolve("manifest.json"));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner.Outcome again = runner(log).run(plan, false);
        assertEquals(1, again.executed(), log.toString());
        assertTrue(log.toString().contains(metrics + " is not a complete record"), log.toString());
        assertTrue(again.failed().isEmpty(), again.failed().toString());
        assertEquals(2, store.all().size());
        assertTrue(Files.readString(store.runDir(dense).resolve("manifest.json")).contains("written after the fact"));
    }

    @Test
    void theManifestIsWrittenBeforeTheRecordSoAStopBetweenLeavesARunThatARerunCompletes() throws Exception {
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(4.0), List.of(Experiments.strategy("magnitude")),
                List.of(0L));
        ExperimentRunner r = runner(new ByteArrayOutputStream());
        ExperimentRunner.Plan plan = r.prepare(spec, tmp);
        Path dir = new ResultStore(tmp).runDir(plan.runs().get(0).runId());
        System.setProperty("prunebench.inject.enospc", "metrics.json");
        try {
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> r.run(plan, false));
            assertEquals("cannot write " + dir.resolve("metrics.json") + ": No space left on device", e.getMessage());
        } finally {
            System.clearProperty("prunebench.inject.enospc");
        }
        assertTrue(Files.exists(dir.resolve("manifest.json")));
        assertFalse(Files.exists(dir.resolve("metrics.json")));
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
        ExperimentRunner.Outcome rerun = r.run(plan, false);
        assertEquals(1, rerun.executed());
        assertTrue(Files.exists(dir.resolve("metrics.json")));
    }

    @Test
    void otherDataInTheSameFolderMakesNewRunsKeepsTheOldOnesAndSaysSo() throws Exception {
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(4.0), List.of(Experiments.strategy("magnitude")),
                List.of(0L));
        ExperimentRunner first = runner(new ByteArrayOutputStream(), 7);
        ExperimentRunner.Plan a = first.prepare(spec, tmp);
        first.run(a, false);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner second = runner(log, 8);
        ExperimentRunner.Plan b = second.prepare(spec, tmp);
        assertNotEquals(a.runs().get(0).runId(), b.runs().get(0).runId());
        assertNotEquals(a.fingerprint().sha256(), b.fingerprint().sha256());
        assertEquals(a.runs().get(0).runId(), runner(new ByteArrayOutputStream(), 7).prepare(spec, tmp).runs().get(0)
                .runId(), "the same data, the same run");
        Path legacy = Files.createDirectories(tmp.resolve("runs").resolve("magnitude-c4-s0-0123abcd"));
        Files.copy(new ResultStore(tmp).metricsFile(a.runs().get(0).runId()), legacy.resolve("metrics.json"));
        Files.writeString(legacy.resolve("manifest.json"), "{\"prunebench_version\": \"0.1\"}");
        ExperimentRunner.Outcome outcome = second.run(b, false);
        assertEquals(1, outcome.executed());
        assertTrue(log.toString().contains("differs from the data of 1 earlier run(s)"), log.toString());
        assertTrue(log.toString().contains("1 finished run(s) in this folder were recorded before run identities "
                + "included the data's fingerprint"), log.toString());
        assertEquals(3, new ResultStore(tmp).all().size(), "the first data's record is kept");
        try (Stream<Path> models = Files.list(tmp.resolve("pretrained"))) {
            assertEquals(2, models.count(), "one dense model per data");
        }
        String manifest = Files.readString(new ResultStore(tmp).runDir(b.runs().get(0).runId()).resolve("manifest.json"));
        assertTrue(manifest.contains("\"sha256\": \"" + b.fingerprint().sha256() + "\""), manifest);
    }

    @Test
    void aDamagedPretrainedModelIsNamedSetAsideAndTrainedAgain() throws Exception {
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(4.0), List.of(Experiments.strategy("magnitude")),
                List.of(0L));
        ExperimentRunner r = runner(new ByteArrayOutputStream());
        ExperimentRunner.Plan plan = r.prepare(spec, tmp);
        r.run(plan, false);
        ResultStore store = new ResultStore(tmp);
        String run = plan.runs().get(0).runId();
        double top1 = store.load(run).top1();
        Path model;
        try (Stream<Path> models = Files.list(tmp.resolve("pretrained"))) {
            model = models.findFirst().orElseThrow();
        }
        Path weights = model.resolve("weights.npz");
        byte[] good = Files.readAllBytes(weights);
        List<String> damages = List.of("truncated", "bit-flipped", "empty", "wrong shapes");
        for (int k = 0; k < damages.size(); k++) {
            String damage = damages.get(k);
            switch (damage) {
                case "truncated" -> Files.write(weights, java.util.Arrays.copyOf(good, good.length / 2));
                case "bit-flipped" -> {
                    byte[] flipped = good.clone();
                    flipped[flipped.length - 100] ^= 0x10;
                    Files.write(weights, flipped);
                }
                case "empty" -> Files.write(weights, new byte[0]);
                default -> {
                    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
                        Map<String, ai.djl.ndarray.NDArray> wrong = new java.util.LinkedHashMap<>();
                        for (String name : prunebench.util.TensorFiles.load(weights, m).keySet()) {
                            wrong.put(name, m.ones(new ai.djl.ndarray.types.Shape(3)));
                        }
                        prunebench.util.TensorFiles.save(weights, wrong);
                    }
                    Files.delete(model.resolve("weights.json")); // as a cache from before checksums
                }
            }
            Files.delete(store.metricsFile(run));
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            ExperimentRunner.Outcome outcome = runner(log).run(plan, false);
            assertTrue(outcome.failed().isEmpty(), damage + ": " + outcome.failed() + "\n" + log);
            assertTrue(log.toString().contains("pretrained model " + weights + " is unusable"), damage + ": " + log);
            assertTrue(log.toString().contains("moved to " + model.resolve("corrupt-" + (k + 1))), damage + ": " + log);
            assertTrue(Files.exists(model.resolve("corrupt-" + (k + 1)).resolve("weights.npz")), damage);
            assertEquals(top1, store.load(run).top1(), damage + ": retrained to the same model");
            good = Files.readAllBytes(weights);
        }
    }
}
