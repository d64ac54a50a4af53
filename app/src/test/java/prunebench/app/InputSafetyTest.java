package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.cli.Main;

/**
 * What the command line refuses before it can lose or misreport anything: results folders that are not its own,
 * writes under --dry-run, unbounded threads and workers, grids that end with runs unaccounted for.
 */
class InputSafetyTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void data() throws IOException {
        data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
    }

    /** A small grid: one strategy at {@code compressions}, 128 training images. */
    static Path experiment(String name, String compressions, String extra) throws IOException {
        Path file = tmp.resolve(name + ".yaml");
        Files.writeString(file, String.join("\n",
                "name: " + name,
                "model: lenet5",
                "dataset: {name: fashion-mnist, root: " + data + ", max_train: 128, max_test: 64}",
                "seeds: [0]",
                "device: cpu",
                "pretrain: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.05, momentum: 0.9}}",
                "finetune: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.01, momentum: 0.9}}",
                "pruning:",
                "  compressions: " + compressions,
                "  strategies: [random]",
                extra, ""));
        return file;
    }

    /** Every path under {@code dir} with its size and modification time. */
    static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            List<String> out = new ArrayList<>();
            for (Path p : paths.sorted().toList()) {
                out.add(dir.relativize(p) + " " + Files.size(p) + " " + Files.getLastModifiedTime(p));
            }
            return out;
        }
    }

    /** The command line in its own JVM, killed after {@code seconds}. */
    static Process start(Path log, List<String> jvm, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path")));
        cmd.addAll(jvm);
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static int exit(Process p, int seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return -1;
        }
        return p.exitValue();
    }

    @Test
    void freshRemovesOnlyWhatPrunebenchWrote() throws IOException {
        Path file = experiment("fresh", "[4]", "");
        Path foreign = tmp.resolve("not-ours");
        Files.createDirectories(foreign.resolve("thesis"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        Cli.Result refused = Cli.run(file.toString(), "--results", foreign.toString(), "--fresh", "--workers", "1");
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("is not a prunebench results folder (it has no .prunebench file) and "
                + "holds notes.txt, thesis/; nothing was deleted"), refused.err());
        assertTrue(Files.exists(foreign.resolve("notes.txt")) && Files.isDirectory(foreign.resolve("thesis")));

        Path results = tmp.resolve("fresh-results");
        assertEquals(0, Cli.run(file.toString(), "--results", results.toString(), "--workers", "1").code());
        assertTrue(Files.isRegularFile(results.resolve(".prunebench")), "the folder is marked as prunebench's");
        Files.writeString(results.resolve("my-analysis.ipynb"), "{}");
        refused = Cli.run(file.toString(), "--results", results.toString(), "--fresh", "--workers", "1");
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("holds what prunebench did not write: my-analysis.ipynb; nothing was "
                + "deleted"), refused.err());
        assertTrue(Files.exists(results.resolve("runs.csv")) && Files.exists(results.resolve("my-analysis.ipynb")));

        Files.delete(results.resolve("my-analysis.ipynb"));
        Path stale = results.resolve("runs").resolve("stale-run");
        Files.createDirectories(stale);
        Cli.Result fresh = Cli.run(file.toString(), "--results", results.toString(), "--fresh", "--workers", "1");
        assertEquals(0, fresh.code(), fresh.err());
        assertFalse(Files.exists(stale), "--fresh emptied prunebench's own folder");
        assertTrue(fresh.out().contains("1 executed here"), fresh.out());
    }

    @Test
    void dryRunWritesNothing() throws IOException {
        Path file = experiment("dry", "[2, 4]", "");
        Path parent = tmp.resolve("dry-parent");
        Files.createDirectories(parent);
        List<String> before = tree(parent);
        Cli.Result r = Cli.run(file.toString(), "--results", parent.resolve("new").toString(), "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertEquals(before, tree(parent), "a dry run creates no folder");

        Path results = parent.resolve("old");
        Files.createDirectories(results.resolve("runs").resolve("some-run"));
        Files.writeString(results.resolve(".prunebench"), "");
        Files.writeString(results.resolve("runs.csv"), "strategy\n");
        before = tree(parent);
        r = Cli.run(file.toString(), "--results", results.toString(), "--dry-run", "--fresh");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("--fresh would delete 3 entries of " + results + "; a dry run deletes nothing"),
                r.err());
        assertEquals(before, tree(parent), "a dry run deletes nothing, even with --fresh");
    }

    @Test
    void rootLikeResultsFoldersAreBadInput() throws IOException {
        Path file = experiment("rootlike", "[4]", "");
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve(".git"));
        String home = System.getProperty("user.home");
        String cwdParent = Path.of("").toAbsolutePath().getParent().toString();
        for (String[] c : new String[][] {{"", "--results is empty"}, {"/", "is the file system root"},
                {".", "is the current directory"}, {home, "is your home directory"},
                {cwdParent, "is a folder above the current one"}, {repo.toString(), "is the root of a git repository"}}) {
            Cli.Result r = Cli.run(file.toString(), "--results", c[0], "--dry-run");
            assertEquals(2, r.code(), c[0] + ": " + r.out() + r.err());
            assertTrue(r.err().contains(c[1]), r.err());
        }
    }

    @Test
    void threadsAndWorkersAreBoundedAtLoadTime() throws Exception {
        Path file = experiment("threads", "[4]", "threads: 100000");
        long t0 = System.nanoTime();
        Path log = tmp.resolve("threads.log");
        int code = exit(start(log, List.of(), file.toString(), "--results", tmp.resolve("threads").toString(),
                "--dry-run"), 60);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String out = Files.readString(log);
        assertEquals(2, code, out);
        assertTrue(out.contains(file + ":11: threads: must be an integer from 1 to 256, got 100000"), out);
        assertTrue(seconds < 30, seconds + " s");

        Path workers = experiment("workers", "[4]", "workers: 100000");
        Cli.Result r = Cli.run(workers.toString(), "--dry-run");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(workers + ":11: workers: must be an integer from 1 to 256, or null, got 100000"),
                r.err());
        r = Cli.run(experiment("cliworkers", "[4]", "").toString(), "--results",
                tmp.resolve("cliworkers").toString(), "--workers", "100000");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--workers must be from 1 to 256, got 100000"), r.err());
    }

    @Test
    void dryRunStartsNoNativeEngine() throws Exception {
        Path file = experiment("noengine", "[2, 4]", "");
        Path log = tmp.resolve("noengine.log");
        // With an engine name that does not exist, anything that starts the engine fails.
        int code = exit(start(log, List.of("-Dai.djl.default_engine=NoSuchEngine"), file.toString(), "--results",
                tmp.resolve("noengine").toString(), "--dry-run"), 60);
        String out = Files.readString(log);
        assertEquals(0, code, out);
        assertTrue(out.contains("noengine: 2 runs, device cpu"), out);
        assertFalse(Files.exists(tmp.resolve("noengine")));
    }

    /**
     * The one dry run that starts the engine, an iterative strategy's (it builds the network once on the CPU to count
     * the levels), shows the levels and nothing of libtorch's: the probe saw its "AutoNonVariableTypeMode is
     * deprecated" warning, which native code writes on file descriptor 2 (hence a process of its own here).
     */
    @Test
    void anIterativeDryRunCountsItsLevelsWithoutLibtorchsWarning() throws Exception {
        Path file = experiment("impdry", "[1, 4]", "");
        Files.writeString(file, Files.readString(file).replace("[random]", "[{name: imp, rate: 0.5}]"));
        Path log = tmp.resolve("impdry.log");
        int code = exit(start(log, List.of(), file.toString(), "--results", tmp.resolve("impdry").toString(),
                "--dry-run"), 60);
        String out = Files.readString(log);
        assertEquals(0, code, out);
        assertTrue(out.matches("(?s).*imp-c4-s0-\\w+ +pretrained, \\d levels of 50%.*"), out);
        assertFalse(out.contains("AutoNonVariableTypeMode"), out);
        assertFalse(out.contains("Warning"), out);
        assertFalse(Files.exists(tmp.resolve("impdry")));
    }

    @Test
    void reportSectionErrorsNameFileLineAndKey() throws IOException {
        Path file = experiment("report", "[4]", "report:\n  title: t\n  figures: [accuracy-vs-compression, "
                + "acuracy-vs-speedup]\n  figure: [x]");
        Cli.Result r = Cli.run(file.toString(), "--dry-run");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: " + file + ":14: report: unknown key 'figure'"), r.err());
        Files.writeString(file, Files.readString(file).replace("  figure: [x]\n", ""));
        r = Cli.run(file.toString(), "--dry-run");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: " + file + ":13: report.figures[1]: unknown figure "
                + "'acuracy-vs-speedup'"), r.err());
    }

    @Test
    void aRecordDeletedMidGridIsListedAsMissing() throws Exception {
        Path file = experiment("missing", "[2, 4, 8]", "");
        Path results = tmp.resolve("missing");
        Path log = tmp.resolve("missing.log");
        Process p = start(log, List.of("-Dai.djl.pytorch.num_threads=1"), file.toString(), "--results",
                results.toString(), "--workers", "1");
        Path deleted = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (deleted == null && p.isAlive() && System.nanoTime() < deadline) {
            deleted = firstRecord(results);
            Thread.sleep(5);
        }
        assertTrue(deleted != null, Files.readString(log));
        Files.delete(deleted);
        assertTrue(p.isAlive(), "deleted too late to be mid-grid");
        int code = exit(p, 300);
        String out = Files.readString(log);
        String id = deleted.getParent().getFileName().toString();
        assertEquals(1, code, out);
        assertTrue(out.contains("0 failed, 1 missing"), out);
        assertTrue(out.contains("missing runs (planned, but no record at the end of the grid):\n  " + id + "\n"), out);
        assertEquals(3, Files.readAllLines(results.resolve("runs.csv")).size(), "2 rows and the header");
    }

    /**
     * {@code --report} reads the run records, not a runs.csv that may be stale (the probe: a run whose metrics.json
     * was deleted stayed "ok", and a deleted runs.csv beside 8 records gave "no runs.csv here").
     */
    @Test
    void aReportIsRebuiltFromTheRunRecords() throws IOException {
        Path file = experiment("rebuild", "[2, 4]", "");
        Path results = tmp.resolve("rebuild");
        assertEquals(0, Cli.run(file.toString(), "--results", results.toString(), "--workers", "1").code());
        Path gone = firstRecord(results);
        String id = gone.getParent().getFileName().toString();
        Files.delete(gone);
        Cli.Result r = Cli.run("--report", results.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("no metrics.json: deleted, or still running); the report leaves them out:\n  "
                + gone.getParent() + "\n"), r.err());
        List<String> rows = Files.readAllLines(results.resolve("runs.csv"));
        assertEquals(2, rows.size(), "the header and the run still recorded: " + rows);
        assertTrue(rows.stream().noneMatch(l -> l.startsWith(id)), rows.toString());

        Files.delete(results.resolve("runs.csv"));
        r = Cli.run("--report", results.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(rows, Files.readAllLines(results.resolve("runs.csv")), "rebuilt from the record left");
        assertTrue(Files.isRegularFile(results.resolve("report.md")));
    }

    private static Path firstRecord(Path results) throws IOException {
        Path runs = results.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            return dirs.map(d -> d.resolve("metrics.json")).filter(Files::isRegularFile).findFirst().orElse(null);
        }
    }
    /**
     * A strategy's bad parameter is refused by the dry run, at the file, line and key where it is written, before any
     * pretraining: the probe found these failing only after training (grasp, slimming) or with no line (snip).
     */
    @Test
    void strategyParametersAreCheckedAtLoadTimeWithTheirLine() throws IOException {
        Path snip = experiment("badsnip", "[1, 4]", "");
        Files.writeString(snip, Files.readString(snip).replace("  strategies: [random]",
                "  strategies:\n    - random\n    - {name: snip, batches: -1}"));
        Cli.Result r = Cli.run(snip.toString(), "--dry-run");
        assertEquals(2, r.code(), r.err());
        assertEquals("error: " + snip + ":12: pruning.strategies[1].batches: parameter 'batches' must be a positive "
                + "integer or 'auto', got '-1'", r.err().strip());

        Path grasp = experiment("badgrasp", "[1, 4]", "");
        Files.writeString(grasp, Files.readString(grasp).replace("  strategies: [random]",
                "  strategies: [{name: grasp, temperature: 0}]"));
        r = Cli.run(grasp.toString(), "--dry-run");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(":10: pruning.strategies[0].temperature: parameter 'temperature' must be "
                + "positive, got 0.0"), r.err());

        Path slimming = experiment("slimnobn", "[1, 4]", "");
        Files.writeString(slimming, Files.readString(slimming).replace("[random]", "[slimming]"));
        r = Cli.run(slimming.toString(), "--dry-run");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: " + slimming + ":10: pruning.strategies[0]: bn_scale ranks channels by "
                + "their BatchNorm's gamma, but "), r.err());
        assertTrue(r.err().contains(" of lenet5 has no BatchNorm; use l1_filter or random_filter"), r.err());
    }

    /**
     * What the planner refuses in a strategy (a rewinding point beyond pretraining, 'at' on imp, a rate that needs
     * too many levels) is named at its file, line and key too, not only by the strategy's label (the probe: "strategy
     * 'lottery': rewind_to: ..." with no line). 128 images in batches of 32, 1 epoch: pretraining is 4 steps.
     */
    @Test
    void strategyErrorsTheGridPlannerFindsNameTheirLine() throws IOException {
        Path file = experiment("badimp", "[1, 4]", "");
        String base = Files.readString(file);
        Files.writeString(file, base.replace("  strategies: [random]", "  strategies:\n    - random\n"
                + "    - {name: imp, label: lottery, retrain: rewind_weights, rewind_to: 100}"));
        Cli.Result r = Cli.run(file.toString(), "--dry-run");
        assertEquals(2, r.code(), r.err());
        assertEquals("error: " + file + ":12: pruning.strategies[1].rewind_to: 100 (iterations) is beyond the end of "
                + "pretraining, 1 epochs x 4 steps (128 training images in batches of 32) = 4 steps; give an iteration "
                + "below 4 or {epochs: k} with k < 1", r.err().strip());

        Files.writeString(file, base.replace("  strategies: [random]", "  strategies:\n"
                + "    - {name: imp, rate: 0.5,\n       at: init}"));
        r = Cli.run(file.toString(), "--dry-run");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: " + file + ":12: pruning.strategies[0].at: imp prunes the pretrained "
                + "network level by level, so 'at' does not apply"), r.err());

        Files.writeString(file, base.replace("  strategies: [random]", "  strategies: [{name: imp, rate: 0.001}]"));
        r = Cli.run(file.toString(), "--dry-run");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: " + file + ":10: pruning.strategies[0].rate: 0.001 reaches compression "
                + "4 in about 1,386 levels"), r.err());
    }
}
