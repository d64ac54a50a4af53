package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the numbers of a small grid with one run of every kind (one-shot and iterative pruning of the pretrained
 * model, pruning at init, dynamic sparse training, structured pruning): every accuracy, compression and epoch loss,
 * to the last bit, as the code computed them before runs became plans of stages. A change of the run's machinery
 * that moves any number fails here. {@code -Dpinned.write=true} rewrites the expected file (only do that for a
 * change that is meant to move the numbers, and say so).
 */
class PinnedResultsTest {
    static final Path EXPECTED = Path.of("src/test/resources/pinned/grid.txt");

    @TempDir
    static Path tmp;

    @Test
    void everyKindOfRunGivesTheNumbersItGaveBeforeStages() throws IOException {
        Path data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
        Path file = tmp.resolve("pinned.yaml");
        Files.writeString(file, String.join("\n",
                "name: pinned",
                "model: lenet5",
                "dataset: {name: fashion-mnist, root: " + data + "}",
                "seeds: [0]",
                "device: cpu",
                "pretrain: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.05, momentum: 0.9},"
                        + " lr_schedule: {name: cosine}}",
                "finetune: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.01, momentum: 0.9}}",
                "pruning:",
                "  compressions: [1, 4]",
                "  strategies: [global_magnitude, {name: layer_gradient, iterations: 2}, random, snip,"
                        + " {name: rigl, update_interval: 5}, l1_filter]", ""));
        Path results = tmp.resolve("results");
        Cli.Result r = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1");
        assertEquals(0, r.code(), r.err());
        String actual = String.join("\n", numbers(results)) + "\n";
        if (Boolean.getBoolean("pinned.write")) {
            Files.writeString(EXPECTED, actual);
        }
        try (InputStream in = PinnedResultsTest.class.getResourceAsStream("/pinned/grid.txt")) {
            String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!sameUpToRounding(expected, actual)) {
                assertEquals(expected, actual);
            }
        }
    }

    /**
     * The same text, except that a number may differ in its last digits (relative 1e-5): another CPU's kernels sum
     * in another order (an Intel Xeon gave a loss of 2.136284 where the AMD EPYC that wrote the file gave 2.136283).
     * A change of the machinery moves a loss far more, and an accuracy by a whole example (1/384 here).
     */
    static boolean sameUpToRounding(String expected, String actual) {
        String[] e = expected.split("(?<=[ ,=\n])|(?=[ ,=\n])");
        String[] a = actual.split("(?<=[ ,=\n])|(?=[ ,=\n])");
        if (e.length != a.length) {
            return false;
        }
        for (int i = 0; i < e.length; i++) {
            if (e[i].equals(a[i])) {
                continue;
            }
            try {
                double x = Double.parseDouble(e[i]);
                double y = Double.parseDouble(a[i]);
                if (!(Math.abs(x - y) <= 1e-5 * Math.max(Math.abs(x), Math.abs(y)))) {
                    return false;
                }
            } catch (NumberFormatException notANumber) {
                return false;
            }
        }
        return true;
    }

    /** Per run, in run-id order: its result numbers in full precision and its epochs' losses and accuracies. */
    static List<String> numbers(Path results) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(results.resolve("pretrained"))) {
            for (Path d : dirs.sorted().toList()) {
                out.add("dense " + withoutHash(d));
                epochs(d.resolve("epochs.csv"), out);
            }
        }
        try (Stream<Path> dirs = Files.list(results.resolve("runs"))) {
            for (Path d : dirs.sorted().toList()) {
                JsonObject m = JsonParser.parseString(Files.readString(d.resolve("metrics.json"))).getAsJsonObject();
                StringBuilder sb = new StringBuilder(withoutHash(d));
                for (String k : List.of("status", "compression_actual", "top1", "top5", "top1_pre_finetune",
                        "top5_pre_finetune", "params_nonzero", "flops_nonzero", "layers_collapsed", "mask_updates",
                        "connections_changed_mean")) {
                    sb.append(' ').append(k).append('=').append(m.get(k));
                }
                out.add(sb.toString());
                epochs(d.resolve("epochs.csv"), out);
            }
        }
        return out;
    }

    /** A folder's name without its hash, which moves with what identifies a run, not with its numbers. */
    private static String withoutHash(Path dir) {
        return dir.getFileName().toString().replaceAll("-[0-9a-f]{8}$", "");
    }

    /** The epochs' stage, number, learning rate, loss and accuracies; the times aside. */
    private static void epochs(Path file, List<String> out) throws IOException {
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                out.add("  " + String.join(",", List.of(line.split(",")).subList(0, 7)));
            }
        }
    }
}
