package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import prunebench.data.ImageData;
import prunebench.testing.SyntheticData;

/**
 * A run's weights.npz and masks.npz in plain PyTorch: scripts/load_pytorch.py builds the model in torch.nn, loads
 * them and evaluates on the run's test set; its top-1 must equal the run's to 0.1 points. Needs Debian's
 * python3-torch (PRUNEBENCH_PYTHON, default /usr/bin/python3); skipped without it unless PRUNEBENCH_REQUIRE_TORCH=1
 * (CI sets it).
 */
class PyTorchInteropTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String PYTHON = System.getenv().getOrDefault("PRUNEBENCH_PYTHON", "/usr/bin/python3");

    @TempDir
    static Path tmp;

    @BeforeAll
    static void needsPyTorch() throws Exception {
        String problem = null;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy, yaml").redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                problem = PYTHON + " cannot import torch, numpy and yaml: " + out.strip();
            }
        } catch (IOException e) {
            problem = PYTHON + " cannot be started: " + e.getMessage();
        }
        if (problem != null && "1".equals(System.getenv("PRUNEBENCH_REQUIRE_TORCH"))) {
            throw new AssertionError(problem + " (apt-get install python3-torch python3-numpy python3-yaml)");
        }
        Assumptions.assumeTrue(problem == null, problem);
    }

    @ParameterizedTest
    @CsvSource({
        "lenet5, fashion-mnist, global_magnitude, 0.05",
        "lenet300-100, fashion-mnist, layer_magnitude, 0.05",
        "resnet20, cifar10, global_magnitude, 0.05",
        "vgg11, cifar10, l1_filter, 0.01",
    })
    void pytorchGetsTheRunsTop1(String model, String dataset, String strategy, double lr) throws Exception {
        Path data = dataset.equals("cifar10") ? tinyCifar10(tmp.resolve("cifar10")) : tinyMnist(tmp.resolve("fmnist"));
        Path results = tmp.resolve("results-" + model);
        Path experiment = tmp.resolve(model + ".yaml");
        Files.writeString(experiment, String.join("\n",
                "name: interop-" + model,
                "model: " + model,
                // No augmentation: crops and flips would hide the synthetic task's pixel templates.
                "dataset: {name: " + dataset + ", root: " + data + ", augment: false}",
                "seeds: [0]",
                "device: cpu",
                "pretrain: {epochs: 2, batch_size: 32, optimizer: {name: sgd, lr: " + lr + ", momentum: 0.9}}",
                "finetune: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.01, momentum: 0.9}}",
                "pruning: {compressions: [2], strategies: [" + strategy + "]}", ""));
        Cli.Result r = Cli.run(experiment.toString(), "--results", results.toString(), "--workers", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        List<Path> runs;
        try (var s = Files.list(results.resolve("runs"))) {
            runs = s.filter(Files::isDirectory).toList();
        }
        assertEquals(1, runs.size(), runs.toString());
        // Half the test images are learnable, half noise with arbitrary labels: a top-1 well away from chance and
        // from 100%, decided on the noise images by the exact weights, so a wrong name, layout, statistic or
        // normalisation shows.
        double top1 = com.google.gson.JsonParser.parseString(Files.readString(runs.get(0).resolve("metrics.json")))
                .getAsJsonObject().get("top1").getAsDouble();
        assertTrue(top1 > 0.3 && top1 < 0.9, "top1 " + top1 + ": the check would not discriminate\n" + r.err());
        Process p = new ProcessBuilder(PYTHON, ROOT.resolve("scripts/load_pytorch.py").toString(),
                runs.get(0).toString(), "--check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("top1 "), out);
        System.out.print(out); // the two top-1s, in the test report

        // A truncated weights.npz: exit 2 (bad input, not 1 = "top-1 differs"), the file named, no traceback
        Path weights = runs.get(0).resolve("weights.npz");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(bytes, bytes.length / 2));
        Process cut = new ProcessBuilder(PYTHON, ROOT.resolve("scripts/load_pytorch.py").toString(),
                runs.get(0).toString(), "--check").redirectErrorStream(true).start();
        String said = new String(cut.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cut.waitFor(300, TimeUnit.SECONDS), said);
        assertEquals(2, cut.exitValue(), said);
        assertTrue(said.contains("load_pytorch: cannot read " + weights + ": "), said);
        assertFalse(said.contains("Traceback"), said);
    }

    /**
     * 512 training images of the synthetic task; 200 test images, the first 100 of the task, the others uniform
     * noise labelled 0..9 in turn.
     */
    static ImageData halfNoise(int channels, int size, long seed) {
        ImageData d = SyntheticData.create(512, 100, channels, size, 10, seed);
        int sample = channels * size * size;
        byte[] px = Arrays.copyOf(d.test().pixels(), 200 * sample);
        int[] labels = Arrays.copyOf(d.test().labels(), 200);
        Random r = new Random(seed);
        for (int i = 100; i < 200; i++) {
            labels[i] = i % 10;
            for (int j = 0; j < sample; j++) {
                px[i * sample + j] = (byte) r.nextInt(256);
            }
        }
        return new ImageData(d.name(), channels, size, size, 10, d.train(), new ImageData.Split(px, labels), false);
    }

    /** Fashion-MNIST's IDX layout. */
    static Path tinyMnist(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Files.createDirectories(dir);
        ImageData d = halfNoise(1, 28, 11);
        Cli.writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), d.train(), true);
        Cli.writeIdx(dir.resolve("train-labels-idx1-ubyte.gz"), d.train(), false);
        Cli.writeIdx(dir.resolve("t10k-images-idx3-ubyte.gz"), d.test(), true);
        Cli.writeIdx(dir.resolve("t10k-labels-idx1-ubyte.gz"), d.test(), false);
        return dir;
    }

    /** The official CIFAR-10 binary layout: five training batches and a test batch of (label, 3x32x32) records. */
    static Path tinyCifar10(Path dir) throws IOException {
        Path batches = dir.resolve("cifar-10-batches-bin");
        if (Files.isDirectory(batches)) {
            return dir;
        }
        Files.createDirectories(batches);
        ImageData d = halfNoise(3, 32, 5);
        int per = d.train().size() / 5;
        for (int b = 0; b < 5; b++) {
            write(batches.resolve("data_batch_" + (b + 1) + ".bin"), d.train(), b * per, per);
        }
        write(batches.resolve("test_batch.bin"), d.test(), 0, d.test().size());
        return dir;
    }

    private static void write(Path file, ImageData.Split split, int from, int count) throws IOException {
        int sample = 3 * 32 * 32;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = from; i < from + count; i++) {
                out.write(split.labels()[i]);
                out.write(split.pixels(), i * sample, sample);
            }
        }
    }
}
