package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.ChannelPruner;
import prunebench.testing.TestChannelScores;

/** The VGG-16 variants of Synaptic-Flow (Tanaka et al. 2020) and of Li et al. 2017, pinned by their counts. */
class PaperVggTest {
    private static final Shape CIFAR = new Shape(3, 32, 32);

    @Test
    void lotteryVggIsVgg16BnWithAnAveragePoolLastAndKaimingNormalWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarVgg.Vgg16Lottery(), CIFAR, 10, manager, 3);
            assertEquals("vgg16-lottery", net.modelName());
            Complexity c = Complexity.of(net);
            assertEquals(14_728_266, c.params()); // PyTorch's count of lottery_vgg.vgg16_bn(10 classes)
            assertEquals(313_201_664, c.flops());
            PrunableLayer conv = net.layers().get(7); // conv4_1: 256 -> 512, fan in 2304
            float[] w = conv.weight().getArray().toFloatArray();
            assertEquals(Math.sqrt(2.0 / 2304), std(w), 0.02 * Math.sqrt(2.0 / 2304));
            for (float b : conv.bias().getArray().toFloatArray()) {
                assertEquals(0f, b);
            }
            // Same parameters as vgg16, so the only difference the outputs can show is the last pool (avg vs max).
            Network common = Network.create(new CifarVgg.Vgg16(), CIFAR, 10, manager, 3);
            net.allParameters().forEach((n, p) -> common.allParameters().get(n).getArray().set(
                    p.getArray().toByteBuffer()));
            NDArray x = manager.randomNormal(new Shape(2, 3, 32, 32));
            NDArray out = net.block().forward(new ParameterStore(manager, false), new NDList(x), false)
                    .singletonOrThrow();
            NDArray max = common.block().forward(new ParameterStore(manager, false), new NDList(x), false)
                    .singletonOrThrow();
            assertEquals(new Shape(2, 10), out.getShape());
            assertTrue(out.sub(max).abs().max().getFloat() > 1e-3, "the last pool must average");
        }
    }

    @Test
    void liVggHasNoConvBiasAHiddenLinearWithBatchNormAndThePapersSizes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarVgg.Vgg16Li(), CIFAR, 10, manager, 3);
            Complexity c = Complexity.of(net);
            assertEquals(14_987_722, c.params()); // the paper's Table 2: 1.5e7
            assertEquals(313_463_808, c.flops()); // 3.13e8
            List<PrunableLayer> layers = net.layers();
            assertEquals(15, layers.size()); // 13 convs, fc1, fc
            assertNull(layers.get(0).bias());
            assertEquals(new Shape(512, 512), layers.get(13).weightShape());
            float[] w = layers.get(0).weight().getArray().toFloatArray(); // conv1_1: N(0, 2 / (9 * 64))
            assertEquals(Math.sqrt(2.0 / 576), std(w), 0.1 * Math.sqrt(2.0 / 576));
            assertEquals(0.01, std(layers.get(13).weight().getArray().toFloatArray()), 0.001);
            Map<String, ai.djl.nn.Parameter> params = net.allParameters();
            params.forEach((name, p) -> {
                if (name.endsWith("_gamma")) {
                    float expected = name.contains("bn_fc1") ? 1f : 0.5f;
                    for (float g : p.getArray().toFloatArray()) {
                        assertEquals(expected, g, name);
                    }
                }
            });
            // fc1 is a prunable channel group of its own, with its BatchNorm
            List<ChannelGroup> groups = ChannelStructure.of(net);
            assertEquals(14, groups.size());
            assertTrue(groups.get(13).name().endsWith("fc1_weight"), groups.get(13).name());
        }
    }

    @Test
    void prunedAKeepsHalfOfConv1AndConv8To13AndGivesThePapersCounts() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarVgg.Vgg16Li(), CIFAR, 10, manager, 3);
            ChannelPruner pruner = new ChannelPruner(net);
            StrategyOptions options = new StrategyOptions("test_channels",
                    new TestChannelScores().parameterDefaults(), Map.of("layer_fractions", Map.of("conv1_1", 0.5,
                            "conv4_1", 0.5, "conv4_2", 0.5, "conv4_3", 0.5, "conv5_1", 0.5, "conv5_2", 0.5,
                            "conv5_3", 0.5)));
            pruner.checkOptions(options);
            try (MaskSet masks = MaskSet.dense(pruner.targets(), manager)) {
                // the target (here 100) is not used: the fractions are
                pruner.prune(new TestChannelScores(), options, masks, 100, Distribution.UNIFORM, 1, false, null,
                        64, 0);
                Map<String, int[]> kept = pruner.kept(masks);
                int[] widths = kept.values().stream().mapToInt(k -> k.length).toArray();
                assertEquals(List.of(32, 64, 128, 128, 256, 256, 256, 256, 256, 256, 256, 256, 256, 512),
                        java.util.Arrays.stream(widths).boxed().toList());
                long removed = 0;
                for (prunebench.prune.PruningTarget t : masks.targets()) {
                    removed += t.size() - masks.kept(t.name());
                }
                assertEquals(5_397_034, 14_987_722 - removed); // 5.4e6: 64.0% fewer, as the paper's Table 2
                Complexity c = Complexity.of(net);
                assertEquals(206_279_680, c.flopsNonzero()); // 2.06e8: 34.2% fewer
            }
        }
    }

    @Test
    void unknownLayerNamesAreRejectedBeforeTraining() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ChannelPruner pruner = new ChannelPruner(Network.create(new CifarVgg.Vgg16Li(), CIFAR, 10, manager, 0));
            ConfigException e = assertThrows(ConfigException.class, () -> pruner.checkOptions(new StrategyOptions(
                    "test_channels", new TestChannelScores().parameterDefaults(),
                    Map.of("layer_fractions", Map.of("conv8", 0.5)))));
            assertTrue(e.getMessage().startsWith("layer_fractions: unknown prunable layer of vgg16-li 'conv8'"),
                    e.getMessage());
            e = assertThrows(ConfigException.class, () -> new TestChannelScores().validate(new StrategyOptions(
                    "test_channels", new TestChannelScores().parameterDefaults(),
                    Map.of("layer_fractions", Map.of("conv1_1", 1.0)))));
            assertEquals("layer_fractions.conv1_1: must be a fraction of channels to remove in [0, 1), got 1.0",
                    e.getMessage());
        }
    }

    private static double std(float[] values) {
        double sum = 0;
        double sq = 0;
        for (float v : values) {
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / values.length;
        return Math.sqrt(sq / values.length - mean * mean);
    }
}
