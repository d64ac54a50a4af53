package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pruning.init_scale}: dense keeps every run's identity as before the key existed; sparse gives the runs at
 * init and the dynamic ones a new identity (pretrained runs are untouched), is written to the resolved settings and
 * changes what the sparse network learns.
 */
class InitScaleRunTest {
    @TempDir
    Path tmp;

    Path experiment(Path data, String initScale) throws IOException {
        Path file = tmp.resolve("ids-" + initScale + ".yaml");
        Files.writeString(file, String.join("\n",
                "name: ids",
                "model: lenet5",
                "dataset: {name: fashion-mnist, root: " + data + "}",
                "seeds: [0]",
                "device: cpu",
                "pretrain: {epochs: 1, batch_size: 128, optimizer: {name: sgd, lr: 0.05, momentum: 0.9}, "
                        + "lr_schedule: {name: cosine}}",
                "finetune: {epochs: 1, batch_size: 128, optimizer: {name: sgd, lr: 0.01, momentum: 0.9}}",
                "pruning:",
                "  compressions: [4]",
                initScale.isEmpty() ? "" : "  init_scale: " + initScale,
                "  strategies: [random, {name: random, label: random_init, at: init}, rigl]", ""));
        return file;
    }

    static List<String> ids(Path file) {
        Cli.Result r = Cli.run(file.toString(), "--results", file.resolveSibling("r").toString(), "--dry-run");
        assertEquals(0, r.code(), r.err());
        return r.out().lines().skip(1).map(l -> l.trim().split("\\s+")[0]).toList();
    }

    @Test
    void denseKeepsTheIdentitiesOfStoredRunsAndSparseChangesOnlyTheSparseStarts() throws IOException {
        Path data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
        // Without the key the runs are named as with init_scale: dense (RunSpec hashes the dense scale as it did
        // before the key existed).
        List<String> before = ids(experiment(data, ""));
        assertEquals(3, before.size());
        assertEquals(before, ids(experiment(data, "dense")));
        List<String> sparse = ids(experiment(data, "sparse"));
        assertEquals(before.get(0), sparse.get(0), "a pretrained run does not depend on init_scale");
        assertNotEquals(before.get(1), sparse.get(1));
        assertNotEquals(before.get(2), sparse.get(2));

        Cli.Result bad = Cli.run(experiment(data, "fanin").toString(), "--dry-run");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("init_scale") && bad.err().contains("dense, isometry, sparse"), bad.err());
    }

    @Test
    void theSparseScaleChangesWhatTheSparseNetworkLearnsAndIsRecorded() throws IOException {
        Path data = Cli.tinyFashionMnist(tmp.resolve("fmnist"));
        double[] top1 = new double[2];
        String[] scales = {"dense", "sparse"};
        for (int i = 0; i < 2; i++) {
            Path file = tmp.resolve("learn-" + scales[i] + ".yaml");
            Files.writeString(file, String.join("\n",
                    "name: learn",
                    "model: lenet5",
                    "dataset: {name: fashion-mnist, root: " + data + "}",
                    "seeds: [0]",
                    "device: cpu",
                    "pretrain: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.05, momentum: 0.9}}",
                    "pruning:",
                    "  compressions: [8]",
                    "  init_scale: " + scales[i],
                    "  strategies: [{name: random, at: init}]", ""));
            Path results = tmp.resolve("results-" + scales[i]);
            Cli.Result r = Cli.run(file.toString(), "--results", results.toString(), "--workers", "1");
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.readString(results.resolve("resolved-experiment.yaml")).contains("init_scale: "
                    + scales[i]));
            List<String> csv = Files.readAllLines(results.resolve("runs.csv"));
            List<String> header = Arrays.asList(csv.get(0).split(",", -1));
            top1[i] = Double.parseDouble(csv.get(1).split(",", -1)[header.indexOf("top1")]);
        }
        assertNotEquals(top1[0], top1[1], "the two scales train differently");
    }
}
