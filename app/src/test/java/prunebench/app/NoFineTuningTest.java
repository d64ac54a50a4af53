package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trained network pruned and then trained for 0 epochs (no {@code finetune:} block) is called "no fine-tuning" in
 * the run list and the report, and runs.csv says how many epochs each run trained.
 */
class NoFineTuningTest {
    @TempDir
    Path tmp;

    @Test
    void untrainedPrunedRunsAreLabelledInTheRunListAndTheReport() throws IOException {
        Path data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
        Path file = tmp.resolve("nofinetune.yaml");
        Files.writeString(file, String.join("\n",
                "name: nofinetune",
                "model: lenet5",
                "dataset: {name: fashion-mnist, root: " + data + "}",
                "seeds: [0]",
                "device: cpu",
                "pretrain: {epochs: 1, batch_size: 64, optimizer: {name: sgd, lr: 0.05, momentum: 0.9}}",
                "pruning:",
                "  compressions: [1, 4]",
                "  strategies: [random, {name: random, label: random_init, at: init}]", ""));
        Path results = tmp.resolve("results");

        Cli.Result dry = Cli.run(file.toString(), "--results", results.toString(), "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        List<String> lines = dry.out().lines().skip(1).toList();
        assertEquals(4, lines.size(), dry.out());
        assertTrue(lines.get(0).matches("  random-c1-s0-\\w{8}\\s+pretrained, fine-tunes 0 epochs"), lines.get(0));
        assertTrue(lines.get(1).matches("  random-c4-s0-\\w{8}\\s+pretrained, no fine-tuning"), lines.get(1));
        assertTrue(lines.get(3).matches("  random_init-c4-s0-\\w{8}\\s+init, trains 1 epoch sparse"), lines.get(3));

        Cli.Result r = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1");
        assertEquals(0, r.code(), r.err());
        List<String> csv = Files.readAllLines(results.resolve("runs.csv"));
        List<String> header = Arrays.asList(csv.get(0).split(",", -1));
        int strategy = header.indexOf("strategy");
        int compression = header.indexOf("compression");
        int epochs = header.indexOf("epochs_trained");
        assertTrue(epochs >= 0, csv.get(0));
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            if (f[compression].equals("4")) {
                assertEquals(f[strategy].equals("random") ? "0" : "1", f[epochs], line);
            }
        }
        String report = Files.readString(results.resolve("report.md"));
        assertTrue(report.contains("**No fine-tuning**: `random` prunes a trained network"), report);
        assertFalse(report.contains("`random_init` prunes"), report);
    }
}
