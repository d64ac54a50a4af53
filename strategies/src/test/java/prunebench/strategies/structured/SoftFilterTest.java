package prunebench.strategies.structured;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.OptimizerSpec;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.ChannelGroup;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskSet;
import prunebench.prune.MaskUpdater;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.ChannelPruner;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.train.Optimizer;
import prunebench.train.Optimizers;
import prunebench.train.TrainableParameter;
import prunebench.train.Trainer;
import prunebench.train.TrainingListener;

class SoftFilterTest {
    /** conv1's six 1x5x5 filters set to constants: L2 norms 5 * |a|. */
    private static final float[] CONSTANTS = {0.5f, -3f, 0.1f, 2f, -0.2f, 1f};

    @Test
    void filterNormsAreL2() {
        assertArrayEquals(new float[] {5, 1, (float) Math.sqrt(2)}, SoftFilter.norms(new float[] {3, 4, 0, 1, 1, 1}, 3),
                1e-6f);
    }

    /** The form before the reference was followed, kept by {@code layers: channels, finish: removed}. */
    @Test
    void removingFormZeroesTheWeakestFiltersEveryEpochLetsThemGrowBackAndRemovesTheLastOnes() {
        ImageData data = SyntheticData.create(256, 64, 1, 28, 10, 7);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            float[] w = new float[6 * 25];
            for (int i = 0; i < w.length; i++) {
                w[i] = CONSTANTS[i / 25];
            }
            ChannelGroup conv1 = new ChannelPruner(net).groups().get(0);
            ChannelGroup conv2 = new ChannelPruner(net).groups().get(1);
            conv1.producer().weight().getArray().set(w);
            float[] conv2Before = conv2.producer().weight().getArray().toFloatArray();
            ChannelPruner pruner = new ChannelPruner(net);
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            List<TrainableParameter> params = new ArrayList<>();
            net.trainableParameters().forEach((n, p) -> params.add(new TrainableParameter(n, p)));
            SoftFilter sfp = new SoftFilter();
            StrategyOptions o = new StrategyOptions(sfp.name(), sfp.parameterDefaults(), Map.of("layers", "channels",
                    "finish", "removed"));
            try (Optimizer optimizer = Optimizers.create(new OptimizerSpec("sgd", 0.05, 0.9, false, 0, 0.9, 0.999,
                    1e-8), params)) {
                MaskUpdater updater = sfp.maskUpdater(new DynamicContext(net, pruner.targets(), masks, optimizer, 0,
                        o, -1, 4));
                // At 4x layer-wise, conv1 keeps 3 of 6 (as l1_filter): the filters of norm 5 * {0.5, 0.1, 0.2} go.
                float[] start = conv1.producer().weight().getArray().toFloatArray();
                for (int f = 0; f < 6; f++) {
                    boolean zeroed = f == 0 || f == 2 || f == 4;
                    assertEquals(zeroed ? 0f : CONSTANTS[f], start[f * 25], 0f, "filter " + f);
                }
                // only filters: conv2's own weak filters go whole, its inputs from conv1's zeroed channels stay
                float[] conv2Now = conv2.producer().weight().getArray().toFloatArray();
                int row = conv2Now.length / conv2.channels();
                int zeroRows = 0;
                for (int r = 0; r < conv2.channels(); r++) {
                    float[] now = java.util.Arrays.copyOfRange(conv2Now, r * row, (r + 1) * row);
                    if (java.util.Arrays.equals(now, new float[row])) {
                        zeroRows++;
                    } else {
                        assertArrayEquals(java.util.Arrays.copyOfRange(conv2Before, r * row, (r + 1) * row), now);
                    }
                }
                assertEquals(8, zeroRows, "half of conv2's 16 filters, as conv1's");
                assertEquals(6, masks.keptTotal() - pruner.targets().stream().mapToLong(t -> t.size()).sum() + 6,
                        "the run's masks stay all ones while training");
                boolean[] regrown = {false};
                BatchLoader train = new BatchLoader(data, data.train(), false, Device.cpu());
                BatchLoader test = new BatchLoader(data, data.test(), false, Device.cpu());
                new Trainer(net, manager, train, test, 0).addListener(updater).addListener(new TrainingListener() {
                    @Override
                    public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
                        if (globalStep == 7) { // the end of epoch 1, before its soft step
                            regrown[0] = conv1.producer().weight().getArray().toFloatArray()[0] != 0;
                        }
                    }
                }).train("sparse", Experiments.sgd(2, 0.05), optimizer, masks, 0);
                assertTrue(regrown[0], "a zeroed filter stays trainable and grows back");
                assertEquals(3, updater.stats().updates(), "start, after epoch 1, the last epoch's removal");
                int[] kept = pruner.kept(masks).get(conv1.name());
                assertEquals(3, kept.length, "the run's masks are the last selection: " + java.util.Arrays.toString(kept));
                float[] bias = net.allParameters().get(conv1.bias()).getArray().toFloatArray();
                float[] filters = conv1.producer().weight().getArray().toFloatArray();
                for (int f = 0; f < 6; f++) {
                    final int c = f;
                    boolean removed = java.util.Arrays.stream(kept).noneMatch(k -> k == c);
                    if (removed) {
                        assertEquals(0f, bias[f], 0f);
                        assertEquals(0f, filters[f * 25], 0f);
                    }
                }
            } finally {
                masks.close();
            }
        }
    }
}
