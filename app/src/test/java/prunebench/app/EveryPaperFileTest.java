package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import prunebench.data.ImageData;
import prunebench.testing.SyntheticData;

/**
 * Every paper file of experiments/papers/ (listed, so a new one is covered the day it is added) runs end to end as
 * written, its own model, strategies and report section, on generated data of its dataset's shape: 28x28 grayscale
 * IDX files for MNIST and Fashion-MNIST (read by the real IDX reader from dataset.root), a 32x32 colour image folder
 * for the others. Only the grid is cut: one seed, one compression (the file's smallest above 1, so an iterative
 * strategy prunes a few levels), and --budget scaling the longest training phase to one epoch. A file that cannot
 * run that way fails its test, named by the file.
 *
 * <p>MNIST-scale files (28x28 data: LeNet-300-100, LeNet-5) take seconds and always run. The CIFAR-scale ones train
 * VGG-16 or ResNet-20 even on a few hundred images (on 20, on the loaded 2-core machine: li2017 43 s, frankle2021
 * 190 s, tanaka2020 362 s, SynFlow's 100 rounds and the speed measurements included), so in CI they are only loaded
 * and planned
 * (--dry-run; PapersTest runs the Tanaka protocol for real on LeNet-5) and they run end to end with
 * {@code PRUNEBENCH_PAPERS_E2E=1}.
 */
class EveryPaperFileTest {
    private static final Path PAPERS = Path.of("../experiments/papers");
    @TempDir
    static Path tmp;
    static Path idx;
    static Path images;

    @BeforeAll
    static void writeData() throws IOException {
        idx = tmp.resolve("idx");
        Files.createDirectories(idx);
        ImageData d = SyntheticData.create(64, 20, 1, 28, 10, 13);
        Cli.writeIdx(idx.resolve("train-images-idx3-ubyte.gz"), d.train(), true);
        Cli.writeIdx(idx.resolve("train-labels-idx1-ubyte.gz"), d.train(), false);
        Cli.writeIdx(idx.resolve("t10k-images-idx3-ubyte.gz"), d.test(), true);
        Cli.writeIdx(idx.resolve("t10k-labels-idx1-ubyte.gz"), d.test(), false);
        images = tmp.resolve("images");
        Random random = new Random(5);
        for (String split : List.of("train", "test")) {
            for (int c = 0; c < 10; c++) {
                Path dir = images.resolve(split).resolve("class" + c);
                Files.createDirectories(dir);
                // 400 training images: 4 steps an epoch in batches of 128, so a rewinding point of a few hundred
                // iterations (Frankle's 500) lies inside pretraining, at full length and at --budget 1/160 alike
                for (int i = 0; i < (split.equals("train") ? 40 : 1); i++) {
                    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 32; y++) {
                        for (int x = 0; x < 32; x++) {
                            image.setRGB(x, y, (c * 25 << 16) | random.nextInt(1 << 16));
                        }
                    }
                    ImageIO.write(image, "png", dir.resolve(i + ".png").toFile());
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyPaperFileRunsAtATinyBudget() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(PAPERS)) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no paper files in " + PAPERS.toAbsolutePath());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runs(f)));
    }

    private static void runs(Path file) throws IOException {
        String name = file.getFileName().toString();
        Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        List<String> args = new ArrayList<>(List.of(file.toString(), "--set", "seeds=[0]", "--set", "workers=1",
                "--set", "threads=1", "--set", "dataset.max_test=10"));
        String dataset = datasetName(yaml.get("dataset"));
        boolean mnistScale = List.of("mnist", "fashion-mnist", "fashion_mnist").contains(dataset);
        if (mnistScale) {
            args.addAll(List.of("--set", "dataset.root=" + idx, "--set", "dataset.max_train=64"));
        } else {
            args.addAll(List.of("--set", "dataset.name=imagefolder", "--set", "dataset.root=" + images));
        }
        if (yaml.get("dataset") instanceof Map<?, ?> d && d.get("validation") != null) {
            // the file's hold-out (MNIST's 6,000, AMC's 5,000 CIFAR images) cut with the training split: one image
            // a class
            args.addAll(List.of("--set", "dataset.validation=10"));
        }
        if (!mnistScale && !"1".equals(System.getenv("PRUNEBENCH_PAPERS_E2E"))) {
            args.add("--dry-run");
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            if (r.code() != 0) {
                fail(name + " does not load or plan on generated data (exit " + r.code() + "):\n" + tail(r.err()));
            }
            System.out.println(name + ": planned; runs end to end with PRUNEBENCH_PAPERS_E2E=1");
            return;
        }
        double compression = smallestPruned(yaml);
        if (compression > 0) {
            args.addAll(List.of("--set", "pruning.compressions=[" + compression + "]"));
        }
        int epochs = Math.max(epochs(yaml, "pretrain"), epochs(yaml, "finetune"));
        if (epochs > 1) {
            args.addAll(List.of("--budget", Double.toString(1.0 / epochs)));
        }
        Path dir = tmp.resolve("results").resolve(name);
        args.addAll(List.of("--results", dir.toString()));
        long start = System.nanoTime();
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s: %.1f s%n", name, seconds);
        // A surgery with c fixed per layer (layer_c_rate, calibrated on a trained network) ends wherever training takes
        // it; on a barely trained network from generated data it prunes nearly everything, and the run is recorded
        // as failed by the target check (exit 1). That, and only that, is accepted for such a file.
        boolean countIsAnOutcome = Files.readString(file).contains("layer_c_rate:");
        if (r.code() != 0 && !(countIsAnOutcome && r.code() == 1)) {
            fail(name + " does not run at a tiny budget on generated data (exit " + r.code() + "):\n" + tail(r.err()));
        }
        List<String> runs = Files.readAllLines(dir.resolve("runs.csv"));
        assertTrue(runs.size() > 1, name + ": no runs");
        for (String run : runs.subList(1, runs.size())) {
            boolean missedTarget = run.contains(",failed,") && run.contains("more than a factor 2 off");
            assertTrue(run.contains(",ok,") || countIsAnOutcome && missedTarget,
                    name + ": a run did not succeed: " + run);
        }
        assertTrue(Files.isRegularFile(dir.resolve("report.md")), name + ": no report.md");
        if (yaml.get("report") instanceof Map<?, ?> report && report.get("references") instanceof List<?> refs
                && !refs.isEmpty()) {
            assertTrue(Files.isRegularFile(dir.resolve("published-comparison.csv")), name + ": references not compared");
            assertTrue(Files.readString(dir.resolve("report.md")).contains("## Published results"), name);
        }
    }

    private static String datasetName(Object dataset) {
        if (dataset instanceof Map<?, ?> m) {
            return String.valueOf(m.get("name"));
        }
        return String.valueOf(dataset);
    }

    /** The file's smallest compression above 1, or 0 when it lists none (then the file's own grid is kept). */
    private static double smallestPruned(Map<String, Object> yaml) {
        if (yaml.get("pruning") instanceof Map<?, ?> pruning && pruning.get("compressions") instanceof List<?> list) {
            return list.stream().filter(Number.class::isInstance).mapToDouble(c -> ((Number) c).doubleValue())
                    .filter(c -> c > 1).min().orElse(0);
        }
        return 0;
    }

    private static int epochs(Map<String, Object> yaml, String phase) {
        if (yaml.get(phase) instanceof Map<?, ?> m && m.get("epochs") instanceof Number n) {
            return n.intValue();
        }
        return 0;
    }

    private static String tail(String err) {
        List<String> lines = err.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

}
