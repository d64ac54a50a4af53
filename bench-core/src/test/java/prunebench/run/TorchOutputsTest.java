package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ExperimentSpec;
import prunebench.data.DatasetRegistry;
import prunebench.model.LeNet5;
import prunebench.model.ModelRegistry;
import prunebench.prune.StrategyRegistry;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;
import prunebench.testing.TestMagnitude;
import prunebench.util.TensorFiles;

/** A run's masks.npz, weights.npz and layers.csv name tensors as PyTorch's LeNet-5 would, masks are booleans. */
class TorchOutputsTest {
    @TempDir
    Path tmp;

    private Path runOnce(ExperimentSpec spec) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner r = new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(256, 128, 1, 28, 10, 3))),
                        Map.of()),
                new StrategyRegistry(List.of(new TestMagnitude())), new PrintStream(log, true));
        ExperimentRunner.Outcome outcome = r.run(r.prepare(spec, tmp), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        return new ResultStore(tmp).runDir(new ResultStore(tmp).all().get(0).run_id());
    }

    private static ExperimentSpec spec(boolean saveWeights) {
        ExperimentSpec s = Experiments.tiny("lenet5", List.of(4.0), List.of(Experiments.strategy("magnitude")),
                List.of(0L));
        return new ExperimentSpec(s.name(), s.model(), s.dataset(), s.seeds(), s.device(), s.threads(), s.workers(),
                s.pretrain(), s.finetune(), s.pruning(), s.report(), saveWeights);
    }

    @Test
    void everyTensorHasItsPyTorchNameAndTheWeightsAreTheFinalMaskedOnes() throws Exception {
        Path dir = runOnce(spec(true));
        Set<String> lenet = new TreeSet<>(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> masks = TensorFiles.load(dir.resolve("masks.npz"), m);
            Map<String, NDArray> weights = TensorFiles.load(dir.resolve("weights.npz"), m);
            assertEquals(lenet, new TreeSet<>(weights.keySet()));
            // Pruned: the weights of every layer but the classifier; the scored weights: every parameter.
            for (String layer : List.of("conv1", "conv2", "fc1", "fc2")) {
                NDArray mask = masks.get("mask/" + layer + ".weight");
                assertEquals(DataType.BOOLEAN, mask.getDataType(), layer);
                NDArray w = weights.get(layer + ".weight");
                assertEquals(DataType.FLOAT32, w.getDataType());
                assertEquals(mask.getShape(), w.getShape());
                // Pruned entries are zero in the final weights; kept ones (almost all) are not.
                boolean[] keep = mask.toBooleanArray();
                float[] values = w.toFloatArray();
                int kept = 0;
                for (int i = 0; i < keep.length; i++) {
                    if (!keep[i]) {
                        assertTrue(values[i] == 0, layer + "[" + i + "] = " + values[i]);
                    } else {
                        kept += values[i] != 0 ? 1 : 0;
                    }
                }
                assertTrue(kept > 0 && kept < keep.length, layer + " keeps " + kept);
            }
            assertFalse(masks.containsKey("mask/fc3.weight"), "the classifier is not pruned by default");
            Set<String> init = new TreeSet<>();
            masks.keySet().stream().filter(k -> k.startsWith("init/")).forEach(k -> init.add(k.substring(5)));
            assertEquals(lenet, init);
            assertFalse(masks.keySet().stream().anyMatch(k -> k.contains("Conv2d") || k.contains("Linear")));
        }
        List<String> layers = Files.readAllLines(dir.resolve("layers.csv"));
        assertEquals("layer,shape,parameters,kept,density", layers.get(0));
        assertEquals(List.of("conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"),
                layers.subList(1, layers.size()).stream().map(l -> l.split(",")[0]).toList());
        assertTrue(layers.get(1).startsWith("conv1.weight,6x1x5x5,150,"), layers.get(1));
    }

    @Test
    void saveWeightsFalseWritesNoWeights() throws Exception {
        Path dir = runOnce(spec(false));
        assertTrue(Files.isRegularFile(dir.resolve("masks.npz")));
        assertFalse(Files.exists(dir.resolve("weights.npz")));
    }
}
