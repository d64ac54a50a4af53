package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --slurm}: the scripts, each job's share of the grid run locally, and the real thing on a Slurm cluster
 * (CI starts a one-node one with scripts/slurm-local-cluster.sh and sets PRUNEBENCH_REQUIRE_SLURM=1, so there the
 * cluster test cannot be skipped).
 */
class SlurmTest {
    @TempDir
    static Path tmp;

    static Path data;

    @BeforeAll
    static void data() throws IOException {
        data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
    }

    /** 1 seed x 2 strategies x 2 compressions; {@link #SETS} make it 2 seeds: 8 runs, seeds outermost. */
    static Path experiment(String name) throws IOException {
        Path file = tmp.resolve(name + ".yaml");
        Files.writeString(file, String.join("\n",
                "name: " + name,
                "model: lenet5",
                "dataset: {name: fashion-mnist, root: " + data + "}",
                "seeds: [0]",
                "device: cpu",
                "pretrain: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.05, momentum: 0.9}}",
                "finetune: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.01, momentum: 0.9}}",
                "pruning:",
                "  compressions: [1, 4]",
                "  strategies: [global_magnitude, random]", ""));
        return file;
    }

    /** Overrides as a user would pass them, one with a space and quotes, one changing the grid. */
    static final String[] SETS = {"--set", "seeds=[0, 1]", "--set", "pruning.strategies=[global_magnitude, "
            + "{name: random, label: 'rand''s'}]"};

    static String[] args(Path file, Path results, String... more) {
        List<String> a = new ArrayList<>(List.of(file.toString()));
        a.addAll(List.of(SETS));
        a.addAll(List.of("--results", results.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static List<String> finished(Path results) throws IOException {
        try (Stream<Path> dirs = Files.list(results.resolve("runs"))) {
            return dirs.filter(d -> Files.exists(d.resolve("metrics.json"))).map(d -> d.getFileName().toString())
                    .sorted().toList();
        }
    }

    /** The run ids in the plan's order, from --dry-run. */
    static List<String> plan(Path file, Path results) {
        Cli.Result r = Cli.run(args(file, results, "--dry-run"));
        assertEquals(0, r.code(), r.err());
        return r.out().lines().skip(1).map(l -> l.trim().split("\\s+")[0]).toList();
    }

    @Test
    void dryRunPrintsTheScriptsAndRefusesANodeLocalResultsFolder() throws IOException {
        Path file = experiment("dry");
        Path results = tmp.resolve("dry-results");
        Cli.Result refused = Cli.run(args(file, results, "--slurm", "--dry-run"));
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("node-local") && refused.err().contains("--allow-local-results"),
                refused.err());

        Cli.Result r = Cli.run(args(file, results, "--slurm", "--dry-run", "--allow-local-results", "--partition",
                "short", "--time", "0:10:00", "--mem", "2G", "--runs-per-task", "3", "--sbatch-arg=--account=lab"));
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("8 runs (8 to run), 3 per task -> 3 array tasks"), out);
        for (String s : List.of("#SBATCH --array=0-1\n", "#SBATCH --array=0-2\n", "#SBATCH --partition=short\n",
                "#SBATCH --time=0:10:00\n", "#SBATCH --mem=2G\n", "#SBATCH --account=lab\n",
                "#SBATCH --kill-on-invalid-dep=yes\n", "--set 'seeds=[0, 1]'",
                "--set 'pruning.strategies=[global_magnitude, {name: random, label: '\\''rand'\\'''\\''s'\\''}]'",
                "--runs-per-task 3", "--task-index \"$SLURM_ARRAY_TASK_ID\"", "--stage pretrain", "--stage report",
                "--dependency=afterok:$PRETRAIN", "--dependency=afterany:$RUNS")) {
            assertTrue(out.contains(s), "lacks " + s + ":\n" + out);
        }
        assertFalse(Files.exists(results.resolve("slurm")), "a dry run writes nothing");

        Cli.Result stray = Cli.run(args(file, results, "--partition", "short", "--dry-run"));
        assertEquals(2, stray.code());
        assertTrue(stray.err().contains("--partition only apply with --slurm"), stray.err());
    }

    @Test
    void eachJobDoesExactlyItsShare() throws IOException {
        Path file = experiment("share");
        Path results = tmp.resolve("share-results");
        List<String> plan = plan(file, results);
        assertEquals(8, plan.size());

        Cli.Result pre = Cli.run(args(file, results, "--stage", "pretrain", "--task-index", "1"));
        assertEquals(0, pre.code(), pre.err());
        try (Stream<Path> models = Files.list(results.resolve("pretrained"))) {
            assertEquals(List.of("lenet5-s1"), models.map(p -> p.getFileName().toString().replaceAll("-[^-]*$", ""))
                    .toList());
        }

        Cli.Result task = Cli.run(args(file, results, "--runs-per-task", "3", "--task-index", "1"));
        assertEquals(0, task.code(), task.err());
        assertEquals(plan.subList(3, 6).stream().sorted().toList(), finished(results));
        Cli.Result past = Cli.run(args(file, results, "--runs-per-task", "3", "--task-index", "3"));
        assertEquals(0, past.code(), past.err());
        assertTrue(past.err().contains("no runs"), past.err());

        Cli.Result report = Cli.run(args(file, results, "--stage", "report"));
        assertEquals(1, report.code(), report.out() + report.err());
        assertTrue(report.out().contains("8 runs: 3 finished, 0 failed, 5 missing"), report.out());
        assertTrue(report.out().contains("missing: " + plan.get(0)), report.out());
        assertTrue(Files.exists(results.resolve("runs.csv")));
    }

    /** Whether a Slurm cluster answers here; where one is required (CI), its absence fails the test. */
    static void assumeCluster() throws Exception {
        boolean required = "1".equals(System.getenv("PRUNEBENCH_REQUIRE_SLURM"));
        String why = null;
        if (!onPath("sbatch")) {
            why = "sbatch is not on the PATH (apt-get install slurmctld slurmd slurm-client munge)";
        } else {
            Process p = new ProcessBuilder("scontrol", "ping").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !text.contains("UP")) {
                why = "no Slurm controller answers (scontrol ping: " + text.trim() + "); start one with "
                        + "scripts/slurm-local-cluster.sh start and export the SLURM_CONF it prints";
            }
        }
        if (why != null && required) {
            throw new AssertionError("PRUNEBENCH_REQUIRE_SLURM=1 but " + why);
        }
        Assumptions.assumeTrue(why == null, "skipping the Slurm cluster test: " + why);
    }

    static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void gridOnASlurmClusterEqualsTheLocalRun() throws Exception {
        assumeCluster();
        Path file = experiment("cluster");
        Path local = tmp.resolve("cluster-local");
        Cli.Result l = Cli.run(args(file, local, "--workers", "1"));
        assertEquals(0, l.code(), l.err());

        Path slurm = tmp.resolve("cluster-slurm");
        // --wait blocks until the report job ends; should the cluster stall, cancelling the jobs ends the wait.
        // (Not JUnit's @Timeout in a separate thread: libtorch's grad mode is per thread, off only in this one.)
        var watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slurm-test-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.schedule(() -> {
            for (String job : List.of("pretrain", "runs", "report")) {
                try {
                    new ProcessBuilder("scancel", "--name=pb-cluster-" + job).inheritIO().start().waitFor();
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, 12, TimeUnit.MINUTES);
        try {
            long t0 = System.nanoTime();
            Cli.Result s = Cli.run(args(file, slurm, "--slurm", "--wait", "--allow-local-results", "--runs-per-task",
                    "3"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            Path sub = slurm.resolve("slurm/1");
            assertEquals(0, s.code(), s.out() + s.err() + logs(sub));
            System.out.printf("Slurm grid of 8 runs (2 pretraining tasks, 3 array tasks, report): %.1f s%n", seconds);
            assertTrue(s.out().contains("8 runs: 8 finished, 0 failed, 0 missing"), s.out());
            assertEquals(ReliabilityTest.metrics(local), ReliabilityTest.metrics(slurm));
            assertTrue(Files.isRegularFile(slurm.resolve("report.md")));
            for (String f : List.of("pretrain.sbatch", "runs.sbatch", "report.sbatch", "runs.txt", "experiment.yaml",
                    "jobs.txt", "logs/pretrain-0.out", "logs/pretrain-1.out", "logs/runs-2.out", "logs/report.out")) {
                assertTrue(Files.isRegularFile(sub.resolve(f)), "lacks " + f);
            }

            // A lost run: resubmitting runs only its task, after no pretraining (the models are there).
            List<String> plan = plan(file, slurm);
            delete(slurm.resolve("runs").resolve(plan.get(7)));
            Cli.Result again = Cli.run(args(file, slurm, "--slurm", "--wait", "--allow-local-results",
                    "--runs-per-task", "3"));
            assertEquals(0, again.code(), again.out() + again.err() + logs(slurm.resolve("slurm/2")));
            assertTrue(again.out().contains("submitted 1 run(s) in 1 array task(s)"), again.out());
            assertTrue(Files.readString(slurm.resolve("slurm/2/runs.sbatch")).contains("#SBATCH --array=2\n"));
            assertFalse(Files.exists(slurm.resolve("slurm/2/pretrain.sbatch")));
            assertEquals(ReliabilityTest.metrics(local), ReliabilityTest.metrics(slurm));

            Cli.Result nothing = Cli.run(args(file, slurm, "--slurm", "--allow-local-results"));
            assertEquals(0, nothing.code(), nothing.err());
            assertTrue(nothing.out().contains("nothing to submit"), nothing.out());
        } finally {
            watchdog.shutdownNow();
        }
    }

    static String logs(Path sub) throws IOException {
        StringBuilder sb = new StringBuilder();
        Path dir = sub.resolve("logs");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    sb.append("\n--- ").append(f).append('\n').append(Files.readString(f));
                }
            }
        }
        return sb.toString();
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
