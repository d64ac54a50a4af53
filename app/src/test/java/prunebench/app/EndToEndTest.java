package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole tool through its command line, on a tiny Fashion-MNIST-shaped dataset written as IDX files. */
class EndToEndTest {
    @TempDir
    static Path tmp;
    static Path data;


    @BeforeAll
    static void writeDataset() throws IOException {
        data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
    }

    static Cli.Result run(String... args) {
        return Cli.run(args);
    }

    Path experiment(String name, String strategies) throws IOException {
        Path file = tmp.resolve(name + ".yaml");
        Files.writeString(file, String.join("\n",
                "name: " + name,
                "model: lenet5",
                "dataset: {name: fashion-mnist, root: " + data + "}",
                "seeds: [0]",
                "device: cpu",
                "pretrain: {epochs: 2, batch_size: 32, optimizer: {name: sgd, lr: 0.05, momentum: 0.9},"
                        + " lr_schedule: {name: cosine}}",
                "finetune: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.01, momentum: 0.9}}",
                "pruning:",
                "  compressions: [1, 4]",
                "  strategies: " + strategies, ""));
        return file;
    }

    @Test
    void runsTheGridAndWritesTheTables() throws IOException {
        Path file = experiment("e2e", "[random, global_magnitude, layer_magnitude, global_gradient, layer_gradient]");
        Path results = tmp.resolve("results-e2e");
        Cli.Result r = run(file.toString(), "--results", results.toString(), "--workers", "1");
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(results.resolve("runs.csv"));
        assertEquals(11, lines.size(), String.join("\n", lines));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        for (String col : List.of("strategy", "compression", "seed", "status", "compression_actual",
                "speedup_theoretical", "top1", "top5", "top1_pre_finetune", "top5_pre_finetune", "params",
                "params_nonzero", "flops", "flops_nonzero", "wall_seconds", "speedup_measured")) {
            assertTrue(header.contains(col), "runs.csv lacks " + col);
        }
        Map<String, Double> denseTop1 = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), i < f.length ? f[i] : "");
            }
            assertEquals("ok", row.get("status"), line);
            double c = Double.parseDouble(row.get("compression"));
            double actual = Double.parseDouble(row.get("compression_actual"));
            assertEquals(c, actual, 0.01 * c, line);
            assertEquals("61706", row.get("params"));
            if (c == 1) {
                denseTop1.put(row.get("strategy"), Double.parseDouble(row.get("top1")));
            }
        }
        assertEquals(5, denseTop1.size());
        assertEquals(1, denseTop1.values().stream().distinct().count(), "every strategy equals the control at 1x");
        assertTrue(denseTop1.values().iterator().next() > 0.8, "the synthetic task is learnable: " + denseTop1);

        Cli.Result again = run(file.toString(), "--results", results.toString(), "--workers", "1");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("(0 executed here, 10 by other workers or earlier, 0 failed)"), again.out());
    }

    @Test
    void badInputExitsWithTwoAndNamesTheProblem() throws IOException {
        Cli.Result unknown = run(experiment("bad", "[global_magnitud]").toString(), "--results",
                tmp.resolve("r-bad").toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("global_magnitude"), unknown.err());

        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, "name: x\nmodel: [lenet5\n");
        Cli.Result yaml = run(broken.toString());
        assertEquals(2, yaml.code());
        assertTrue(yaml.err().contains("broken.yaml"), yaml.err());

        Cli.Result unreachable = run(experiment("far", "[random]").toString(), "--set", "pruning.compressions=[1,1000]",
                "--results", tmp.resolve("r-far").toString());
        assertEquals(2, unreachable.code());
        assertTrue(unreachable.err().contains("unreachable"), unreachable.err());

        Cli.Result missing = run(experiment("nodata", "[random]").toString(), "--set", "dataset.root=/nonexistent/x",
                "--results", tmp.resolve("r-nodata").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("/nonexistent/x"), missing.err());
    }
}
