package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.util.TensorFiles;

/** {@code {name: gmp, score: l1_filter}}: filters removed on the cubic schedule, the narrower network rebuilt. */
class GradualFilterPruningTest {
    @TempDir
    Path tmp;

    @Test
    void gmpWithAChannelScoreRemovesFiltersGraduallyToTheCompressionAndRebuildsTheNetwork() throws IOException {
        Path data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
        Path file = tmp.resolve("gfp.yaml");
        Files.writeString(file, String.join("\n",
                "name: gfp",
                "model: lenet5",
                "dataset: {name: fashion-mnist, root: " + data + "}",
                "seeds: [0]",
                "device: cpu",
                "pretrain: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.05, momentum: 0.9}}",
                "finetune: {epochs: 2, batch_size: 32, optimizer: {name: sgd, lr: 0.01, momentum: 0.9}}",
                "pruning:",
                "  compressions: [3]",
                "  strategies: [{name: gmp, label: gfp, score: l1_filter, every: 4}, {name: l1_filter}]", ""));
        Path results = tmp.resolve("results");
        Cli.Result r = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        Map<String, Map<String, String>> byLabel = new java.util.HashMap<>();
        IterativePruningTest.rows(results.resolve("runs.csv")).forEach(x -> byLabel.put(x.get("strategy"), x));
        Map<String, String> gradual = byLabel.get("gfp");
        Map<String, String> oneShot = byLabel.get("l1_filter");
        assertEquals("ok", gradual.get("status"), gradual.toString());
        // 2 epochs of 24 steps, pruning every 4 steps from step 4 to 36: several steps each remove channels
        assertTrue(Integer.parseInt(gradual.get("mask_updates")) > 1, gradual.toString());
        // the compression means what it means for one-shot channel pruning: all parameters, met from below
        double actual = Double.parseDouble(gradual.get("compression_actual"));
        assertTrue(actual >= 3 && actual < 3.6, gradual.toString());
        assertEquals(Double.parseDouble(oneShot.get("compression_actual")), actual, 0.3 * 3, oneShot.toString());
        // the narrower network was rebuilt (its outputs checked against the masked one) and timed
        for (String column : List.of("speedup_theoretical", "speedup_measured")) {
            double v = Double.parseDouble(gradual.get(column));
            assertTrue(v > 0 && !Double.isNaN(v), column + " " + gradual);
        }
        assertTrue(Double.parseDouble(gradual.get("speedup_theoretical")) > 1, gradual.toString());
        // the final masks cover whole channels: producers' biases too, each filter kept or removed entire
        Path dir;
        try (Stream<Path> s = Files.list(results.resolve("runs"))) {
            dir = s.filter(d -> d.getFileName().toString().startsWith("gfp-c3-")).findFirst().orElseThrow();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> npz = TensorFiles.load(dir.resolve("masks.npz"), m);
            String bias = npz.keySet().stream().filter(k -> k.startsWith("final_mask/") && k.endsWith("bias"))
                    .findFirst().orElseThrow(() -> new AssertionError(npz.keySet().toString()));
            float[] b = npz.get(bias).toType(DataType.FLOAT32, false).toFloatArray();
            float[] w = npz.get(bias.substring(0, bias.length() - "bias".length()) + "weight")
                    .toType(DataType.FLOAT32, false).toFloatArray();
            int size = w.length / b.length;
            boolean removed = false;
            for (int f = 0; f < b.length; f++) {
                for (int i = f * size; i < (f + 1) * size; i++) {
                    assertEquals(b[f], w[i], bias + " filter " + f);
                }
                removed |= b[f] == 0;
            }
            assertTrue(removed, bias + " keeps every filter");
            assertFalse(npz.keySet().stream().noneMatch(k -> k.startsWith("mask/")), npz.keySet().toString());
        }
    }
}
