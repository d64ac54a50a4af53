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

/** Runs that survive: kill -9 and resume, NaN losses, identical reruns, parallel workers. */
class ReliabilityTest {
    @TempDir
    static Path tmp;

    static Path data;

    @BeforeAll
    static void data() throws IOException {
        data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
    }

    static Path experiment(String name, int finetuneEpochs, double finetuneLr, String extra) throws IOException {
        Path file = tmp.resolve(name + ".yaml");
        Files.writeString(file, String.join("\n",
                "name: " + name,
                "model: lenet5",
                "dataset: {name: fashion-mnist, root: " + data + "}",
                "seeds: [0]",
                "device: cpu",
                "pretrain: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.05, momentum: 0.9}}",
                "finetune: {epochs: " + finetuneEpochs + ", batch_size: 16, optimizer: {name: sgd, lr: " + finetuneLr
                        + ", momentum: 0.9}, lr_schedule: {name: cosine}}",
                "pruning:",
                "  compressions: [1, 4]",
                "  strategies: [global_magnitude, random]",
                extra, ""));
        return file;
    }

    /** runs.csv without the columns that measure time. */
    static List<String> metrics(Path results) throws IOException {
        List<String> lines = Files.readAllLines(results.resolve("runs.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(",", -1);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < header.size(); i++) {
                String col = header.get(i);
                if (!col.contains("seconds") && !col.equals("train_images_per_second")
                        && !col.equals("speedup_measured")) {
                    sb.append(f[i]).append(',');
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void killedRunResumesToTheSameNumbers() throws Exception {
        Path file = experiment("resume", 12, 0.01, "");
        Path straight = tmp.resolve("straight");
        assertEquals(0, Cli.run(file.toString(), "--results", straight.toString(), "--workers", "1").code());

        Path killed = tmp.resolve("killed");
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "-Dai.djl.pytorch.num_threads=1", Main.class.getName(),
                file.toString(), "--results", killed.toString(), "--workers", "1")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        Path checkpointed = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (checkpointed == null && p.isAlive() && System.nanoTime() < deadline) {
            checkpointed = finetuneCheckpoint(killed);
            Thread.sleep(5);
        }
        p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no cleanup
        assertTrue(checkpointed != null, "the run never reached a fine-tuning checkpoint: "
                + Files.readString(tmp.resolve("killed.log")));
        assertFalse(Files.exists(checkpointed.resolveSibling("metrics.json")), "killed too late to test a resume");

        Cli.Result resumed = Cli.run(file.toString(), "--results", killed.toString(), "--workers",
                "1");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming after epoch"), resumed.err());
        assertEquals(metrics(straight), metrics(killed));
        String run = checkpointed.getParent().getFileName().toString();
        assertEquals(Files.readAllLines(straight.resolve("runs").resolve(run).resolve("epochs.csv")).stream()
                        .map(l -> l.substring(0, l.lastIndexOf(',', l.lastIndexOf(',') - 1))).toList(),
                Files.readAllLines(killed.resolve("runs").resolve(run).resolve("epochs.csv")).stream()
                        .map(l -> l.substring(0, l.lastIndexOf(',', l.lastIndexOf(',') - 1))).toList(),
                "losses and accuracies per epoch, times aside");
    }

    /** The checkpoint of a fine-tuning run that has finished at least one epoch, if any. */
    private static Path finetuneCheckpoint(Path results) throws IOException {
        Path runs = results.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : dirs.toList()) {
                Path json = d.resolve("checkpoint.json");
                if (d.getFileName().toString().contains("-c4-") && Files.isRegularFile(json)
                        && !Files.exists(d.resolve("metrics.json")) && insideTraining(json)) {
                    return json;
                }
            }
        }
        return null;
    }

    /** Whether the checkpoint is one of an epoch inside a training stage, not of a stage boundary. */
    private static boolean insideTraining(Path json) {
        try {
            return !Files.readString(json).contains("\"stepsDone\":0,");
        } catch (IOException e) {
            return false; // replaced while read
        }
    }

    @Test
    void divergingRunIsRecordedAsFailedAndTheGridGoesOn() throws IOException {
        Path file = experiment("nan", 1, 1e12, "");
        Path results = tmp.resolve("nan");
        Cli.Result r = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("failed runs:"), r.err());
        List<String> lines = Files.readAllLines(results.resolve("runs.csv"));
        assertEquals(5, lines.size(), "every run has a row");
        assertTrue(lines.stream().skip(1).allMatch(l -> l.contains(",failed,") && l.contains("loss is")),
                String.join("\n", lines));

        Cli.Result retried = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1",
                "--retry-failed");
        assertEquals(1, retried.code(), retried.err());
        try (Stream<Path> dirs = Files.list(results.resolve("runs"))) {
            assertEquals(4, dirs.filter(d -> Files.exists(d.resolve("metrics.failed-1.json"))).count(),
                    "a retry keeps the record it replaces");
        }
    }

    @Test
    void sameSeedGivesIdenticalNumbersWithOneOrTwoWorkers() throws IOException {
        Path file = experiment("repeat", 1, 0.01, "");
        Path one = tmp.resolve("one");
        Path two = tmp.resolve("two");
        assertEquals(0, Cli.run(file.toString(), "--results", one.toString(), "--workers", "1").code());
        Cli.Result parallel = Cli.run(file.toString(), "--results", two.toString(), "--workers",
                "2");
        assertEquals(0, parallel.code(), parallel.err());
        assertEquals(metrics(one), metrics(two));
        try (Stream<Path> dirs = Files.list(two.resolve("runs"))) {
            assertEquals(4, dirs.filter(d -> Files.exists(d.resolve("metrics.json"))).count());
        }
    }

    @Test
    void aFullDiskStopsWithOneLineNamingTheFileExitThreeAndNoTornFile() throws IOException {
        Path file = experiment("full", 2, 0.01, "");
        Path results = tmp.resolve("full");
        Cli.Result r;
        System.setProperty("prunebench.inject.enospc", "checkpoint-"); // the tensors of a checkpoint
        try {
            r = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1");
        } finally {
            System.clearProperty("prunebench.inject.enospc");
        }
        assertEquals(3, r.code(), r.err());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error:") || l.contains("\tat ")
                || l.contains("Exception")).toList();
        assertEquals(1, errors.size(), r.err());
        assertTrue(errors.get(0).matches("error: cannot write " + java.util.regex.Pattern.quote(results.toString())
                + "/(pretrained|runs)/[^ ]+/checkpoint-[0-9]+-[0-9]+\\.npz: No space left on device; the runs already "
                + "recorded are kept, free some space and rerun the same command"), errors.get(0));
        try (Stream<Path> files = Files.walk(results)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }

        Cli.Result done = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1");
        assertEquals(0, done.code(), done.err());
        byte[] figure = Files.readAllBytes(results.resolve("plots/accuracy-vs-compression.png"));
        System.setProperty("prunebench.inject.enospc", "accuracy-vs-compression.png");
        try {
            r = Cli.run("--report", results.toString());
        } finally {
            System.clearProperty("prunebench.inject.enospc");
        }
        assertEquals(3, r.code(), r.err());
        // --results beside a single --report folder was silently ignored: refused, naming both
        Cli.Result elsewhere = Cli.run("--report", results.toString(), "--results", results.resolveSibling("other")
                .toString());
        assertEquals(2, elsewhere.code(), elsewhere.err());
        assertTrue(elsewhere.err().contains("a folder's report is written into that folder; --results names where a "
                + "combined report of several folders goes"), elsewhere.err());
        assertEquals("error: cannot write " + results.resolve("plots/accuracy-vs-compression.png")
                + ": No space left on device; the runs already recorded are kept, free some space and rerun the same "
                + "command", r.err().strip());
        org.junit.jupiter.api.Assertions.assertArrayEquals(figure,
                Files.readAllBytes(results.resolve("plots/accuracy-vs-compression.png")));
    }

    @Test
    void workersDieWithAKilledParentAndTheRerunCompletesTheirRuns() throws Exception {
        Path file = experiment("orphans", 20, 0.01, "");
        Path results = tmp.resolve("orphans");
        Process parent = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "-Dai.djl.pytorch.num_threads=1", Main.class.getName(),
                file.toString(), "--results", results.toString(), "--workers", "2", "--set",
                "pruning.compressions=[4]")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("orphans.log").toFile()).start();
        ProcessHandle worker = null;
        Path run = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (run == null && parent.isAlive() && System.nanoTime() < deadline) {
            for (ProcessHandle child : parent.children().toList()) {
                Path held = runHeldBy(results, child.pid());
                if (held != null) {
                    worker = child;
                    run = held;
                }
            }
            Thread.sleep(20);
        }
        assertTrue(run != null, "no worker ever held a run: " + Files.readString(tmp.resolve("orphans.log")));
        parent.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks run in the parent
        long killed = System.nanoTime();
        ProcessHandle orphan = worker;
        boolean ended = orphan.onExit().thenApply(h -> true).completeOnTimeout(false, 120, TimeUnit.SECONDS).get();
        double lived = (System.nanoTime() - killed) / 1e9;
        boolean finishedItsRun = Files.exists(run.resolve("metrics.json"));
        if (!ended) {
            orphan.destroyForcibly();
        }
        assertTrue(ended && lived < 5 && !finishedItsRun, "the worker outlived its parent by " + lived
                + " s and " + (finishedItsRun ? "finished" : "kept") + " its run");

        Cli.Result rerun = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1", "--set",
                "pruning.compressions=[4]");
        assertEquals(0, rerun.code(), rerun.err());
        assertTrue(rerun.err().contains("resuming after epoch"), rerun.err());
        try (Stream<Path> dirs = Files.list(results.resolve("runs"))) {
            assertEquals(2, dirs.filter(d -> Files.exists(d.resolve("metrics.json"))).count(), rerun.err());
        }
    }

    /** The unfinished run whose lock process {@code pid} holds (lock files name their holder), or null. */
    private static Path runHeldBy(Path results, long pid) throws IOException {
        Path runs = results.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : dirs.toList()) {
                Path lock = d.resolve(".lock");
                if (Files.isRegularFile(lock) && !Files.exists(d.resolve("metrics.json"))
                        && Files.exists(d.resolve("checkpoint.json"))
                        && Files.readString(lock).startsWith("pid " + pid + " ")) {
                    return d;
                }
            }
        }
        return null;
    }
}
