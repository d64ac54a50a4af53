package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --dry-run} marks the runs of a folder as done, failed, running or interrupted, plans a grid whose data is not
 * here from the dataset's description, ends with what the grid costs, and checks the model against the data.
 */
class DryRunTest {
    @TempDir
    Path tmp;

    private Path experiment(String name, String model, String dataset, String compressions) throws IOException {
        Path file = tmp.resolve(name + ".yaml");
        Files.writeString(file, String.join("\n",
                "name: " + name,
                "model: " + model,
                "dataset: " + dataset,
                "seeds: [0]",
                "device: cpu",
                "workers: 1",
                "pretrain: {epochs: 2, batch_size: 64, optimizer: {name: sgd, lr: 0.05}}",
                "finetune: {epochs: 1, batch_size: 64, optimizer: {name: sgd, lr: 0.01}}",
                "pruning:",
                "  compressions: " + compressions,
                "  strategies: [random, global_magnitude]", ""));
        return file;
    }

    @Test
    void marksDoneFailedRunningAndInterruptedRuns() throws IOException {
        Path data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
        Path file = experiment("marks", "lenet5", "{name: fashion-mnist, root: " + data + "}", "[1, 4]");
        Path results = tmp.resolve("results");
        Cli.Result first = Cli.run(file.toString(), "--results", results.toString(), "--dry-run");
        assertEquals(0, first.code(), first.err());
        List<String> ids = first.out().lines().skip(1).map(l -> l.trim().split("\\s+")[0]).toList();
        assertEquals(4, ids.size(), first.out());
        assertTrue(first.out().lines().skip(1).noneMatch(l -> l.contains("[")), first.out());
        // 2 pretraining epochs, then 1 fine-tuning epoch for each of 3 runs (the two dense controls are one): 5 epochs
        // of 768 images.
        assertTrue(first.err().contains("4 runs, 5 epochs, 3,840 training images, 4.8e9 multiply-adds: under a second "),
                first.err());

        Path runs = results.resolve("runs");
        record(runs.resolve(ids.get(0)), ids.get(0), "ok");
        record(runs.resolve(ids.get(1)), ids.get(1), "failed");
        Files.createDirectories(runs.resolve(ids.get(3)));
        Files.writeString(runs.resolve(ids.get(3)).resolve("checkpoint.json"), "{}");
        Path lock = runs.resolve(ids.get(2)).resolve(".lock");
        Files.createDirectories(lock.getParent());
        Files.writeString(lock, "pid 1 on elsewhere since 2026-01-01T00:00:00Z\n");
        List<String> before = listing(results);
        Cli.Result r;
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            r = Cli.run(file.toString(), "--results", results.toString(), "--dry-run");
        }
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().skip(1).toList();
        assertTrue(lines.get(0).endsWith("[done]"), r.out());
        assertTrue(lines.get(1).endsWith("[failed]"), r.out());
        assertTrue(lines.get(2).endsWith("[running]"), r.out());
        assertTrue(lines.get(3).endsWith("[interrupted, resumes]"), r.out());
        assertTrue(r.err().contains("4 runs (3 done, failed or running; the rest: 3 epochs, 2,304 training images"),
                r.err());
        assertTrue(r.err().contains("1,000 images/s per run, measured by earlier runs in this folder"), r.err());
        assertEquals(before, listing(results), "a dry run writes nothing");
        assertEquals("pid 1 on elsewhere since 2026-01-01T00:00:00Z\n", Files.readString(lock));
    }

    @Test
    void plansWithoutTheDataFromTheDatasetsDescription() throws IOException {
        Path missing = tmp.resolve("no-cifar");
        Path file = experiment("nodata", "resnet20", "{name: cifar10, root: " + missing + "}", "[1, 2, 4, 8]");
        Cli.Result r = Cli.run(file.toString(), "--results", tmp.resolve("r").toString(), "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertEquals(9, r.out().lines().count(), r.out());
        assertTrue(r.err().contains("note: dataset 'cifar10' is not here (" + missing + "): planned from its "
                + "description (3x32x32 images, 10 classes, 50,000 training images)"), r.err());
        // 2 + 7 x 1 epochs of 50,000 images at 3 x 40,551,040 multiply-adds
        assertTrue(r.err().contains("8 runs, 9 epochs, 450,000 training images, 5.5e13 multiply-adds: about "),
                r.err());
        assertFalse(Files.exists(tmp.resolve("r")));

        Cli.Result run = Cli.run(file.toString(), "--results", tmp.resolve("r").toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("dataset 'cifar10' not found. Looked in:\n  " + missing + " (missing)"),
                run.err());
    }

    @Test
    void aLongGridSaysToUseSlurmOrAGpu() throws IOException {
        Path file = experiment("long", "vgg16", "{name: cifar10, root: " + tmp.resolve("none") + "}",
                "[1, 2, 4, 8, 16, 32]");
        Files.writeString(file, Files.readString(file).replace("seeds: [0]", "seeds: [0, 1, 2]")
                .replace("epochs: 1,", "epochs: 40,").replace("epochs: 2,", "epochs: 200,"));
        Cli.Result r = Cli.run(file.toString(), "--results", tmp.resolve("r").toString(), "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().matches("(?s).*36 runs, 1,920 epochs, 9.6e7 training images, 9.0e16 multiply-adds: about \\d+ (days|years) on 1"
                + " CPU core .*: use --slurm or a GPU\\n.*"), r.err());
    }

    @Test
    void refusesAModelTheImagesAreTooSmallForAndWarnsAboutAnUnusualPair() throws IOException {
        Path data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
        Path vgg = experiment("vgg", "vgg16", "{name: fashion-mnist, root: " + data + "}", "[1]");
        Cli.Result refused = Cli.run(vgg.toString(), "--results", tmp.resolve("r").toString(), "--dry-run");
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().startsWith("error: " + vgg + ":2: model: vgg16 needs images of at least 32x32"),
                refused.err());

        Path resnet = experiment("resnet", "resnet20", "{name: fashion-mnist, root: " + data + "}", "[1]");
        Cli.Result warned = Cli.run(resnet.toString(), "--results", tmp.resolve("r").toString(), "--dry-run");
        assertEquals(0, warned.code(), warned.err());
        assertTrue(warned.err().startsWith("warning: " + resnet + ":2: model: resnet20 was designed for 3x32x32 "
                + "images, but dataset 'fashion-mnist' (dataset.name) has 1x28x28 images"), warned.err());
    }

    private static void record(Path dir, String id, String status) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("metrics.json"), "{\"run_id\": \"" + id + "\", \"strategy\": \"random\", "
                + "\"status\": \"" + status + "\", \"model\": \"lenet5\", \"train_images_per_second\": 1000}");
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.map(p -> dir.relativize(p) + (Files.isRegularFile(p) ? " " + p.toFile().length() : ""))
                    .sorted().toList();
        }
    }
}
