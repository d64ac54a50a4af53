package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a grid prints when its output is not a terminal (a log file, Slurm, CI): plain timestamped lines on one clock
 * across workers, nothing but errors and the summary with --quiet, every batch with --verbose.
 */
class ProgressOutputTest {
    private static final Pattern STAMP = Pattern.compile("^\\[(\\d\\d):(\\d\\d):(\\d\\d)\\] ");

    @TempDir
    static Path tmp;
    static Path experiment;

    @BeforeAll
    static void writeExperiment() throws IOException {
        Path data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
        experiment = tmp.resolve("progress.yaml");
        Files.writeString(experiment, String.join("\n",
                "name: progress",
                "model: lenet5",
                "dataset: {name: fashion-mnist, root: " + data + ", max_train: 256, max_test: 128}",
                "seeds: [0]",
                "device: cpu",
                "pretrain: {epochs: 1, batch_size: 64, optimizer: {name: sgd, lr: 0.05, momentum: 0.9}}",
                "finetune: {epochs: 1, batch_size: 64, optimizer: {name: sgd, lr: 0.01, momentum: 0.9}}",
                "pruning: {compressions: [1, 4], strategies: [random, global_magnitude]}", ""));
    }

    private static List<String> progressLines(String err) {
        return err.lines().filter(l -> STAMP.matcher(l).find()).toList();
    }

    @Test
    void plainLinesByDefaultQuietAndVerbose() {
        Cli.Result normal = Cli.run(experiment.toString(), "--results", tmp.resolve("normal").toString(),
                "--workers", "1");
        assertEquals(0, normal.code(), normal.err());
        List<String> lines = progressLines(normal.err());
        assertTrue(lines.stream().anyMatch(l -> l.contains("run 1/4 ")), normal.err());
        assertTrue(lines.stream().anyMatch(l -> l.contains("finetune epoch 1/1")), normal.err());
        assertTrue(lines.stream().anyMatch(l -> l.contains("done: top1")), normal.err());
        assertFalse(normal.err().contains(" step "), "no per-batch lines without --verbose:\n" + normal.err());
        assertFalse(normal.err().contains("\r"), "no redrawing when stderr is not a terminal");

        Cli.Result verbose = Cli.run(experiment.toString(), "--results", tmp.resolve("verbose").toString(),
                "--workers", "1", "--verbose");
        assertEquals(0, verbose.code(), verbose.err());
        // 256 training examples in batches of 64: each of the 4 epochs trained (a pretraining, three fine-tunings:
        // the dense control of global_magnitude is random's) has a line for each batch but its last, which the
        // epoch's line reports.
        long steps = progressLines(verbose.err()).stream().filter(l -> l.contains(" step ")).count();
        assertEquals(4 * 3, steps, verbose.err());
        assertTrue(verbose.err().contains("pretrain epoch 1/1  step 3/4"), verbose.err());

        Cli.Result quiet = Cli.run(experiment.toString(), "--results", tmp.resolve("quiet").toString(),
                "--workers", "1", "--quiet");
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("", quiet.err(), "nothing but errors on stderr with --quiet");
        assertTrue(quiet.out().contains("progress: 4 runs (4 executed here"), quiet.out());

        Cli.Result both = Cli.run(experiment.toString(), "--quiet", "--verbose");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--quiet and --verbose exclude each other"), both.err());
    }

    @Test
    void quietStillShowsFailures() throws IOException {
        Path diverging = tmp.resolve("diverging.yaml");
        Files.writeString(diverging, Files.readString(experiment).replace("lr: 0.01", "lr: 1.0e30"));
        Cli.Result quiet = Cli.run(diverging.toString(), "--results", tmp.resolve("diverging").toString(),
                "--workers", "1", "--quiet", "--set", "pruning.compressions=[4]", "--set",
                "pruning.strategies=[random]");
        assertEquals(1, quiet.code(), quiet.err());
        assertTrue(quiet.err().contains("FAILED: "), quiet.err());
        assertTrue(quiet.err().contains("failed runs:"), quiet.err());
        assertFalse(quiet.err().contains("run 1/1"), quiet.err());
    }

    @Test
    void workersLinesShareTheRunnersClock() {
        Cli.Result r = Cli.run(experiment.toString(), "--results", tmp.resolve("two").toString(), "--workers", "2");
        assertEquals(0, r.code(), r.err());
        List<String> lines = progressLines(r.err());
        assertTrue(lines.stream().anyMatch(l -> l.contains("] [w1] ")), "worker 1's lines are relayed:\n" + r.err());
        assertTrue(lines.stream().anyMatch(l -> l.contains("] [w0] ")), r.err());
        // One clock: the lines are stamped when the runner shows them, so time never goes back (by more than the
        // second two threads may straddle); each worker counting from its own start would.
        List<Integer> seconds = new ArrayList<>();
        for (String l : lines) {
            Matcher m = STAMP.matcher(l);
            assertTrue(m.find());
            seconds.add(3600 * Integer.parseInt(m.group(1)) + 60 * Integer.parseInt(m.group(2))
                    + Integer.parseInt(m.group(3)));
        }
        for (int i = 1; i < seconds.size(); i++) {
            assertTrue(seconds.get(i) >= seconds.get(i - 1) - 1, "time went back at line " + i + ":\n" + r.err());
        }
        // (worker 1's first line may come within the runner's first second on a fast machine: the check above, that
        // no line goes back in time across the workers' interleaving, is what shows the shared clock)
        assertFalse(r.err().contains("AutoNonVariableTypeMode"), r.err());
    }
}
