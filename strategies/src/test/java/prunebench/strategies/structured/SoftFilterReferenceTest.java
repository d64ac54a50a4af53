package prunebench.strategies.structured;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.config.OptimizerSpec;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.CifarResNet;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskSet;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyOptions;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.train.Optimizer;
import prunebench.train.Optimizers;
import prunebench.train.TrainableParameter;
import prunebench.train.Trainer;
import prunebench.train.TrainingListener;

/** soft_filter's default form against a computation written from he-y/soft-filter-pruning's {@code Mask} class. */
class SoftFilterReferenceTest {
    private static final SoftFilter SFP = new SoftFilter();

    private static StrategyOptions options(Map<String, Object> given) {
        return new StrategyOptions(SFP.name(), SFP.parameterDefaults(), given);
    }

    /**
     * ResNet-20, {@code --rate 0.7 --layer_begin 0 --layer_end 54 --layer_inter 3} (scripts/cifar10_resnet.sh):
     * {@code mask_index = range(0, 57, 3)} over {@code model.parameters()}; for each of those 4-D tensors
     * {@code filter_pruned_num = int(n * (1 - rate))} and {@code norm2.argsort()[:filter_pruned_num]} are zeroed;
     * every other tensor (BatchNorm, classifier) stays as it was.
     */
    @Test
    void zeroesTheReferencesFiltersOfEveryConvolutionOfResNet20AndNothingElse() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network net = Network.create(new CifarResNet.ResNet20(), new Shape(3, 32, 32), 10, manager, 3);
            List<Parameter> parameters = new ArrayList<>(net.trainableParameters().values());
            assertEquals(59, parameters.size(), "19 convolutions, 19 BatchNorms (gamma, beta), the classifier (w, b)");
            List<float[]> before = new ArrayList<>();
            parameters.forEach(p -> before.add(p.getArray().toFloatArray()));
            List<PruningTarget> targets = PruningTargets.of(net, false, false);
            try (MaskSet masks = MaskSet.dense(targets, manager)) {
                MaskUpdater updater = SFP.maskUpdater(new DynamicContext(net, targets, masks, null, 0,
                        options(Map.of("rate", 0.7)), -1, Double.NaN));
                Map<Integer, List<Integer>> zeroedByIndex = new HashMap<>();
                int zeroedFilters = 0;
                for (int index = 0; index < 57; index += 3) { // the reference's mask_index
                    Shape shape = parameters.get(index).getArray().getShape();
                    assertEquals(4, shape.dimension(), "parameter " + index + " is a convolution's weight");
                    int n = (int) shape.get(0);
                    int prunedNum = (int) (n * (1 - 0.7)); // 16 -> 4, 32 -> 9, 64 -> 19
                    List<Integer> order = referenceArgsort(before.get(index), n);
                    zeroedByIndex.put(index, order.subList(0, prunedNum));
                    zeroedFilters += prunedNum;
                }
                assertEquals(4 + 6 * 4 + 6 * 9 + 6 * 19, zeroedFilters);
                for (int index = 0; index < parameters.size(); index++) {
                    float[] expected = before.get(index).clone();
                    List<Integer> zeroed = zeroedByIndex.get(index);
                    if (zeroed != null) {
                        int size = expected.length / (int) parameters.get(index).getArray().getShape().get(0);
                        for (int f : zeroed) {
                            java.util.Arrays.fill(expected, f * size, (f + 1) * size, 0f);
                        }
                    }
                    assertArrayEquals(expected, parameters.get(index).getArray().toFloatArray(), "parameter " + index);
                }
                // the last step: the same zeroing, now held by the run's masks (weights only; the classifier whole)
                updater.afterStep(0, 0, 0, 1);
                for (PrunableLayer layer : net.layers()) {
                    int index = parameters.indexOf(layer.weight());
                    if (layer.classifier()) {
                        assertEquals(57, index, "the classifier is the reference's index 57, not masked");
                        continue;
                    }
                    float[] mask = masks.get(layer.name()).toFloatArray();
                    float[] w = layer.weight().getArray().toFloatArray();
                    for (int i = 0; i < mask.length; i++) {
                        assertEquals(w[i] == 0 ? 0f : 1f, mask[i], layer.name() + " entry " + i);
                    }
                    assertEquals(zeroedByIndex.get(index).size() * (long) layer.fanIn(),
                            mask.length - (long) masks.kept(layer.name()), layer.name());
                }
                assertEquals(2, updater.stats().updates());
            }
        }
    }

    /** numpy's {@code norm2_np.argsort()} of {@code torch.norm(weight.view(n, -1), 2, 1)}, by repeated minima. */
    private static List<Integer> referenceArgsort(float[] weight, int n) {
        int size = weight.length / n;
        double[] norms = new double[n];
        for (int f = 0; f < n; f++) {
            double s = 0;
            for (int i = f * size; i < (f + 1) * size; i++) {
                s += (double) weight[i] * weight[i];
            }
            norms[f] = Math.sqrt(s);
        }
        List<Integer> out = new ArrayList<>();
        boolean[] taken = new boolean[n];
        for (int k = 0; k < n; k++) {
            int best = -1;
            for (int f = 0; f < n; f++) {
                if (!taken[f] && (best < 0 || norms[f] < norms[best])) {
                    best = f;
                }
            }
            taken[best] = true;
            out.add(best);
        }
        return out;
    }

    /**
     * From the run's target: LeNet-5's convolutions have 6 filters of 25 weights used 784 times and 16 of 150 used
     * 100 times (19,600 and 15,000 multiply-adds each) of 416,520 in all. Speedup 2 needs 208,260 removed: the same
     * fraction 9/16 in both layers removes 3 + 9 filters, 193,800; the next candidate, 10/16, removes 3 + 10,
     * 208,800. A compression of 2 cannot be met by filters holding 2,550 of the 60,630 prunable weights.
     */
    @Test
    void theFractionPerLayerIsTheSmallestThatMeetsTheTarget() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            List<PruningTarget> targets = PruningTargets.of(net, false, false);
            List<PrunableLayer> convs = FilterZeroing.layers(net, "conv");
            assertEquals(2, convs.size(), "conv1 and conv2; the Linear layers are 2-D");
            try (MaskSet masks = MaskSet.dense(targets, manager)) {
                assertArrayEquals(new int[] {3, 10}, FilterZeroing.counts(new DynamicContext(net, targets, masks, null,
                        0, options(Map.of("target", "speedup")), -1, 2.0), convs));
                assertArrayEquals(new int[] {3, 8}, FilterZeroing.counts(new DynamicContext(net, targets, masks, null,
                        0, options(Map.of("rate", 0.5)), -1, 2.0), convs), "int(6 * 0.5), int(16 * 0.5)");
                assertArrayEquals(new int[] {3, 8}, FilterZeroing.counts(new DynamicContext(net, targets, masks, null,
                        0, options(Map.of("rate", "0.5")), -1, 2.0), convs), "as the experiment reader passes it");
                assertArrayEquals(new int[] {0, 14}, FilterZeroing.counts(new DynamicContext(net, targets, masks, null,
                        0, options(Map.of("target", "speedup", "dense_first_layer", true)), -1, 2.0), convs),
                        "conv1 whole: 14/16 of conv2, 210,000, is the first to reach it");
                long prunable = targets.stream().mapToLong(PruningTarget::size).sum();
                assertEquals(60630, prunable);
                ConfigException e = assertThrows(ConfigException.class, () -> FilterZeroing.counts(
                        new DynamicContext(net, targets, masks, null, 0, options(Map.of()), prunable / 2, 2.0), convs));
                assertTrue(e.getMessage().contains("compression 2.0 is unreachable, at most 1.04"), e.getMessage());
            }
        }
    }

    @Test
    void optionsOfTheRemovingFormAreRefusedWithTheZeroingOne() {
        assertThrows(ConfigException.class, () -> SFP.validate(options(Map.of("finish", "removed"))),
                "stem and block outputs cannot be removed");
        assertThrows(ConfigException.class, () -> SFP.validate(options(Map.of("rate", 1.5))));
        assertThrows(ConfigException.class, () -> SFP.validate(options(Map.of("scope", "global"))));
        SFP.validate(options(Map.of("layers", "channels", "finish", "removed", "scope", "global")));
        assertEquals(false, SFP.removesChannels(options(Map.of())));
        assertEquals(true, SFP.removesChannels(options(Map.of("layers", "channels", "finish", "removed"))));
    }

    /**
     * Through training (LeNet-5, 2 epochs): zeroed filters grow back between epochs; after the last step the zeroed
     * filters are the run's masks, conv biases and the Linear layers untouched by the strategy.
     */
    @Test
    void zeroedFiltersGrowBackAndTheLastZeroingIsHeldWithBiasesAndLinearLayersUntouched() {
        ImageData data = SyntheticData.create(256, 64, 1, 28, 10, 7);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            List<PruningTarget> targets = PruningTargets.of(net, false, false);
            PrunableLayer conv1 = net.layers().get(0);
            PrunableLayer fc1 = net.layers().get(2);
            // positive biases: a zeroed filter's ReLU is open, so gradients reach it (a zero bias would keep it dead)
            conv1.bias().getArray().set(new float[] {0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f});
            List<TrainableParameter> params = new ArrayList<>();
            net.trainableParameters().forEach((n, p) -> params.add(new TrainableParameter(n, p)));
            try (MaskSet masks = MaskSet.dense(targets, manager);
                    Optimizer optimizer = Optimizers.create(new OptimizerSpec("sgd", 0.05, 0.9, false, 0, 0.9, 0.999,
                            1e-8), params)) {
                MaskUpdater updater = SFP.maskUpdater(new DynamicContext(net, targets, masks, optimizer, 0,
                        options(Map.of("rate", 0.5)), -1, Double.NaN));
                int[] first = FilterZeroing.weakest(SoftFilter.norms(conv1.weight().getArray().toFloatArray(), 6), 6);
                boolean[] regrown = {false};
                BatchLoader train = new BatchLoader(data, data.train(), false, Device.cpu());
                BatchLoader test = new BatchLoader(data, data.test(), false, Device.cpu());
                new Trainer(net, manager, train, test, 0).addListener(updater).addListener(new TrainingListener() {
                    @Override
                    public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
                        if (globalStep == 7) { // the end of epoch 1, before its soft step
                            float[] w = conv1.weight().getArray().toFloatArray();
                            regrown[0] = w[first[0] * 25] != 0; // the weakest filter, zeroed at the start
                        }
                    }
                }).train("sparse", Experiments.sgd(2, 0.05), optimizer, masks, 0);
                assertTrue(regrown[0], "a zeroed filter stays trainable and grows back");
                assertEquals(3, updater.stats().updates(), "start, after epoch 1, after the last step");
                assertEquals(150 - 3 * 25, masks.kept(conv1.name()), "3 of conv1's 6 filters held at zero");
                assertEquals(fc1.weightCount(), masks.kept(fc1.name()), "Linear layers are never masked");
                float[] bias = conv1.bias().getArray().toFloatArray();
                for (float b : bias) {
                    assertNotEquals(0f, b, "conv biases stay (the reference masks weights only)");
                }
            }
        }
    }
}
