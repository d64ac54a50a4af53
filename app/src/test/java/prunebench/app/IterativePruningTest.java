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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.cli.Main;
import prunebench.util.TensorFiles;

/** Iterative magnitude pruning, the lottery ticket and its controls through the command line. */
class IterativePruningTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void writeDataset() throws IOException {
        data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
    }

    static Path experiment(String name, String strategies) throws IOException {
        Path file = tmp.resolve(name + ".yaml");
        Files.writeString(file, String.join("\n",
                "name: " + name,
                "model: lenet5",
                "dataset: {name: fashion-mnist, root: " + data + "}",
                "seeds: [0]",
                "device: cpu",
                "pretrain: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.05, momentum: 0.9},"
                        + " lr_schedule: {name: cosine}}",
                "finetune: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.01, momentum: 0.9}}",
                "pruning:",
                "  compressions: [1, 2, 6]",
                "  strategies: " + strategies, ""));
        return file;
    }

    static List<Map<String, String>> rows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",", -1);
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], f[i]);
            }
            out.add(row);
        }
        return out;
    }

    @Test
    void everyLevelIsARowWithItsMasksAndTheControlsKeepTheTicketsCounts() throws IOException {
        Path file = experiment("imp", "[{name: imp, rate: 0.5, retrain_epochs: 1, rewind_to: 3},"
                + " {name: imp, label: reinit, rate: 0.5, retrain_epochs: 1, rewind_to: 3, control: reinit},"
                + " {name: imp, label: shuffle, rate: 0.5, retrain_epochs: 1, rewind_to: 3, control: shuffle},"
                + " {name: imp, label: finetune, rate: 0.5, retrain: finetune, retrain_epochs: 1},"
                + " {name: imp, label: lr, rate: 0.5, retrain: rewind_lr, retrain_epochs: 1}]");
        Path results = tmp.resolve("results-imp");
        Cli.Result r = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1");
        assertEquals(0, r.code(), r.err());
        List<Map<String, String>> rows = rows(results.resolve("runs.csv"));
        // Per strategy: the dense control and, to 6x of LeNet-5's 61,706 parameters with the classifier unpruned,
        // three levels of halving (1/2, 1/4, 1/8 of the prunable weights).
        assertEquals(5 * 4, rows.size(), rows.toString());
        for (String label : List.of("imp", "reinit", "shuffle", "finetune", "lr")) {
            List<Map<String, String>> mine = rows.stream().filter(x -> x.get("strategy").equals(label)).toList();
            assertEquals(List.of("", "1", "2", "3"), mine.stream().map(x -> x.get("level")).sorted().toList());
            assertTrue(mine.stream().allMatch(x -> x.get("status").equals("ok")), mine.toString());
        }
        Map<String, Map<String, String>> byLabel = new HashMap<>();
        rows.stream().filter(x -> x.get("level").equals("3")).forEach(x -> byLabel.put(x.get("strategy"), x));
        // The controls train the ticket's masks (reinit) or its per-layer counts (shuffle): same nonzero count.
        assertEquals(byLabel.get("imp").get("params_nonzero"), byLabel.get("reinit").get("params_nonzero"));
        assertEquals(byLabel.get("imp").get("params_nonzero"), byLabel.get("shuffle").get("params_nonzero"));
        assertEquals(byLabel.get("imp").get("params_nonzero"), byLabel.get("finetune").get("params_nonzero"));

        Path ticket = runDir(results, "imp-c6-");
        List<String> levels = Files.readAllLines(ticket.resolve("levels.csv"));
        assertEquals("level,density,top1,top5,epochs,compression_actual,compression_all,compression_prunable",
                levels.get(0));
        assertEquals(5, levels.size(), levels.toString());
        double[] density = levels.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[1])).toArray();
        assertEquals(1, density[0]);
        for (int k = 1; k < density.length; k++) {
            assertEquals(Math.pow(0.5, k), density[k], 1e-4, "level " + k + " keeps half of what remained");
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> one = TensorFiles.load(ticket.resolve("masks-level1.npz"), m);
            Map<String, NDArray> three = TensorFiles.load(ticket.resolve("masks-level3.npz"), m);
            for (String k : one.keySet()) {
                float[] a = floats(one.get(k));
                float[] c = floats(three.get(k));
                for (int i = 0; i < a.length; i++) {
                    assertTrue(c[i] <= a[i], "level 3 keeps only weights level 1 kept: " + k);
                }
            }
            // Shuffling keeps each tensor's count and moves the positions.
            Map<String, NDArray> shuffled = TensorFiles.load(runDir(results, "shuffle-c6-")
                    .resolve("masks-level3.npz"), m);
            boolean moved = false;
            for (String k : three.keySet()) {
                float[] a = floats(three.get(k));
                float[] b = floats(shuffled.get(k));
                assertEquals(sum(a), sum(b), k);
                moved |= !Arrays.equals(a, b);
            }
            assertTrue(moved);
        }
        // The weights of iteration 3 of dense training, the rewinding point, are kept beside the dense model.
        try (Stream<Path> s = Files.walk(results.resolve("pretrained"))) {
            assertTrue(s.anyMatch(p -> p.toString().endsWith("step-3/weights.npz")));
        }
    }

    @Test
    void underCompressionOfPrunableEveryLevelRecordsThePrunableBasis() throws IOException {
        Path file = experiment("imp-prunable", "[{name: imp, rate: 0.5, retrain_epochs: 1}]");
        Path results = tmp.resolve("results-imp-prunable");
        Cli.Result r = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1", "--set",
                "pruning.compressions=[8]", "--set", "pruning.compression_of=prunable");
        assertEquals(0, r.code(), r.err());
        // 8x of the prunable weights is three halvings exactly; the deepest level must say 8, not the ~7.1x that
        // all parameters over the nonzero ones give with LeNet-5's unpruned classifier and biases.
        Map<String, String> deepest = rows(results.resolve("runs.csv")).stream()
                .filter(x -> x.get("level").equals("3")).findFirst().orElseThrow();
        double actual = Double.parseDouble(deepest.get("compression_actual"));
        assertEquals(8, actual, 0.08, deepest.toString());
        assertEquals(actual, Double.parseDouble(deepest.get("compression")), 1e-9, deepest.toString());
        assertEquals(actual, Double.parseDouble(deepest.get("compression_prunable")), 1e-9);
        double all = Double.parseDouble(deepest.get("compression_all"));
        assertEquals(Double.parseDouble(deepest.get("params")) / Double.parseDouble(deepest.get("params_nonzero")),
                all, 1e-9);
        assertTrue(all > 7 && all < 7.5, "all parameters / kept: " + all);
        List<Map<String, String>> levels = rows(runDir(results, "imp-c8-").resolve("levels.csv"));
        Map<String, String> three = levels.get(levels.size() - 1);
        assertEquals("3", three.get("level"));
        assertEquals(1 / Double.parseDouble(three.get("density")), Double.parseDouble(three.get("compression_actual")),
                1e-6, three.toString());
    }

    /**
     * {@code layer_rates} (Frankle &amp; Carbin's slower output layer): LeNet-5 with its classifier pruned, rate 0.5
     * and fc3 at 0.25. Each level halves every other tensor (rounding the removal up) and removes a quarter of fc3:
     * 150 -> 75 -> 37 (conv1), 840 -> 630 -> 472 (fc3). 3x of the 61,470 prunable weights (keep 20,490) takes two
     * levels: 30,945 after one, 15,629 after two.
     */
    @Test
    void layerRatesPruneTheNamedLayerByItsOwnFraction() throws IOException {
        Path file = experiment("imp-rates", "[{name: imp, rate: 0.5, retrain_epochs: 1, distribution: uniform,"
                + " layer_rates: {fc3: 0.25}}]");
        Path results = tmp.resolve("results-imp-rates");
        Cli.Result r = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1", "--set",
                "pruning.compressions=[3]", "--set", "pruning.compression_of=prunable", "--set",
                "pruning.prune_classifier=true");
        assertEquals(0, r.code(), r.err());
        Path run = runDir(results, "imp-c3-");
        Map<Long, long[]> expected = Map.of(150L, new long[] {75, 37}, 2400L, new long[] {1200, 600},
                48000L, new long[] {24000, 12000}, 10080L, new long[] {5040, 2520}, 840L, new long[] {630, 472});
        try (NDManager m = NDManager.newBaseManager()) {
            for (int level = 1; level <= 2; level++) {
                Map<String, NDArray> masks = TensorFiles.load(run.resolve("masks-level" + level + ".npz"), m);
                assertEquals(5, masks.size(), masks.keySet().toString());
                for (Map.Entry<String, NDArray> e : masks.entrySet()) {
                    long[] counts = expected.get(e.getValue().size());
                    assertEquals(counts[level - 1], sum(floats(e.getValue())), e.getKey() + " at level "
                            + level);
                }
            }
        }
        assertTrue(Files.notExists(run.resolve("masks-level3.npz")), "two levels reach 3x");
        Cli.Result dry = Cli.run(file.toString(), "--results", results.toString(), "--dry-run", "--set",
                "pruning.compressions=[3]", "--set", "pruning.compression_of=prunable", "--set",
                "pruning.prune_classifier=true");
        assertTrue(dry.out().lines().anyMatch(l -> l.startsWith("  imp-c3-s0-") && l.contains("2 levels of 50% (fc3 25%)")),
                dry.out());

        // the rates need each layer pruned within itself, and names the model has
        Cli.Result global = Cli.run(file.toString(), "--results", results.toString(), "--dry-run", "--set",
                "pruning.strategies=[{name: imp, rate: 0.5, layer_rates: {fc3: 0.25}}]");
        assertEquals(2, global.code(), global.out());
        assertTrue(global.err().contains("layer_rates prunes each layer named by its own fraction, within the "
                + "layer: it needs distribution: uniform, got global"), global.err());
        Cli.Result unknown = Cli.run(file.toString(), "--results", results.toString(), "--set",
                "pruning.strategies=[{name: imp, rate: 0.5, distribution: uniform, layer_rates: {fc9: 0.25}}]");
        assertEquals(2, unknown.code(), unknown.out());
        assertTrue(unknown.err().contains("layer_rates") && unknown.err().contains("fc9")
                && unknown.err().contains("conv1, conv2, fc1, fc2"), unknown.err());
    }

    @Test
    void invertedMagnitudeKeepsTheSmallestWeights() throws IOException {
        Path file = experiment("invert", "[{name: global_magnitude, control: invert}]");
        Path results = tmp.resolve("results-invert");
        Cli.Result r = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1", "--set",
                "pruning.compressions=[4]", "--set", "finetune.epochs=0");
        assertEquals(0, r.code(), r.err());
        float maxKept = 0;
        float minPruned = Float.MAX_VALUE;
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> npz = TensorFiles.load(runDir(results, "global_magnitude-c4-")
                    .resolve("masks.npz"), m);
            for (String k : npz.keySet()) {
                if (k.startsWith("mask/")) {
                    float[] mask = floats(npz.get(k));
                    float[] w = floats(npz.get("init/" + k.substring(5)));
                    for (int i = 0; i < mask.length; i++) {
                        if (mask[i] > 0) {
                            maxKept = Math.max(maxKept, Math.abs(w[i]));
                        } else {
                            minPruned = Math.min(minPruned, Math.abs(w[i]));
                        }
                    }
                }
            }
        }
        assertTrue(maxKept <= minPruned, "kept up to " + maxKept + ", pruned from " + minPruned);
    }

    @Test
    void gradualPruningReachesTheTargetDuringFineTuning() throws IOException {
        Path file = experiment("gmp", "[{name: gmp, every: 4}, {name: gmp, label: gmp_init, at: init, every: 4}]");
        Path results = tmp.resolve("results-gmp");
        Cli.Result r = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1", "--set",
                "finetune.epochs=2");
        assertEquals(0, r.code(), r.err());
        for (Map<String, String> row : rows(results.resolve("runs.csv"))) {
            double c = Double.parseDouble(row.get("compression"));
            assertEquals(c, Double.parseDouble(row.get("compression_actual")), 0.01 * c, row.toString());
            // 2 epochs of 24 steps: prunes at steps 4, 8, ..., 36 from 0.1 to 0.75 of them.
            assertTrue(c == 1 || Integer.parseInt(row.get("mask_updates")) >= 6, row.toString());
            assertTrue(Double.parseDouble(row.get("train_flops")) > 0, row.toString());
        }
    }

    @Test
    void killedAnywhereInAThreeLevelRunResumesToTheSameNumbers() throws Exception {
        Path file = experiment("kill", "[{name: imp, rate: 0.5, retrain_epochs: 1, rewind_to: 5},"
                + " {name: imp, label: shuffle, rate: 0.5, retrain_epochs: 1, control: shuffle}]");
        Path straight = tmp.resolve("straight");
        assertEquals(0, Cli.run(file.toString(), "--results", straight.toString(), "--workers", "1").code());

        Path killed = tmp.resolve("killed");
        int kills = 0;
        for (int attempt = 0; attempt < 6 && !finished(killed); attempt++) {
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), "-Dai.djl.pytorch.num_threads=1", Main.class.getName(),
                    file.toString(), "--results", killed.toString(), "--workers", "1")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("kill-" + attempt + ".log").toFile()).start();
            // Wait for 2, 5, 8... new checkpoints (a stage boundary or an epoch), then SIGKILL: no shutdown hooks;
            // the last run finishes what is left.
            String last = checkpoints(killed);
            int seen = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (p.isAlive() && seen < 2 + 3 * attempt && System.nanoTime() < deadline) {
                String now = checkpoints(killed);
                if (!now.equals(last)) {
                    seen++;
                    last = now;
                }
                Thread.sleep(3);
            }
            if (p.isAlive()) {
                p.destroyForcibly().waitFor();
                kills++;
            } else {
                assertEquals(0, p.waitFor(), Files.readString(tmp.resolve("kill-" + attempt + ".log")));
            }
        }
        assertTrue(kills >= 3, "killed " + kills + " times");
        Cli.Result done = Cli.run(file.toString(), "--results", killed.toString(), "--workers", "1");
        assertEquals(0, done.code(), done.err());
        assertEquals(ReliabilityTest.metrics(straight), ReliabilityTest.metrics(killed));
        for (String run : List.of("imp-c6-", "shuffle-c6-")) {
            assertEquals(Files.readAllLines(runDir(straight, run).resolve("levels.csv")),
                    Files.readAllLines(runDir(killed, run).resolve("levels.csv")));
        }
    }

    private static boolean finished(Path results) throws IOException {
        return Files.isDirectory(results.resolve("runs")) && runs(results).stream()
                .filter(d -> d.getFileName().toString().contains("-c6-"))
                .filter(d -> Files.exists(d.resolve("metrics.json"))).count() == 2;
    }

    /** The checkpoint files' contents of every run and dense model, concatenated. */
    private static String checkpoints(Path results) {
        StringBuilder sb = new StringBuilder();
        if (!Files.isDirectory(results)) {
            return "";
        }
        try (Stream<Path> s = Files.walk(results)) {
            for (Path p : s.filter(x -> x.getFileName().toString().equals("checkpoint.json")).sorted().toList()) {
                sb.append(p).append(Files.readString(p));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return sb.toString(); // a file renamed while read: look again
        }
        return sb.toString();
    }

    private static List<Path> runs(Path results) throws IOException {
        try (Stream<Path> s = Files.list(results.resolve("runs"))) {
            return s.toList();
        }
    }

    private static Path runDir(Path results, String prefix) throws IOException {
        return runs(results).stream().filter(d -> d.getFileName().toString().startsWith(prefix)).findFirst()
                .orElseThrow();
    }

    /** Masks are stored as bool, weights as float32. */
    private static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static long sum(float[] a) {
        long s = 0;
        for (float v : a) {
            s += (long) v;
        }
        return s;
    }

    @Test
    void theDryRunCountsTheLevelsOfTheShippedLotteryExperiment() {
        Cli.Result r = Cli.run("../experiments/lottery-lenet300.yaml", "--set", "dataset.root=" + data, "--results",
                tmp.resolve("lottery-dry").toString(), "--dry-run");
        assertEquals(0, r.code(), r.err());
        // LeNet-300-100 to 50x with the output layer and biases unpruned: 19 levels (0.8^19 = 1.4%)
        assertTrue(r.out().contains("  lottery-c50-s0-"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  lottery-c50-s0-")
                && l.endsWith("pretrained, 19 levels of 20%, retrains 2 epochs each (38 epochs)")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  shuffle-c50-s1-") && l.endsWith(
                "pretrained, 19 levels of 20%, retrains 2 epochs each (38 epochs, and 36 for the ticket's own levels)")),
                r.out());
        Cli.Result half = Cli.run("../experiments/lottery-lenet300.yaml", "--set", "dataset.root=" + data,
                "--set", "pruning.strategies=[{name: imp, label: lt, retrain_epochs: 4}]", "--budget", "0.5",
                "--results", tmp.resolve("lottery-dry").toString(), "--dry-run");
        assertEquals(0, half.code(), half.err());
        assertTrue(half.out().contains("retrains 2 epochs each (38 epochs)"), half.out());
    }
}
