package prunebench.strategies.structured;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.model.ChannelGroup;
import prunebench.model.CifarResNet;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.StrategyOptions;
import prunebench.prune.StrategyRegistry;
import prunebench.prune.structured.ChannelPruner;
import prunebench.prune.structured.StructuredStrategy;

class StructuredStrategiesTest {
    private static StrategyOptions options(PruningStrategy s, Map<String, Object> given) {
        return new StrategyOptions(s.name(), s.parameterDefaults(), given);
    }

    /** LeNet-5 with conv1's six 1x5x5 filters set to constants: L1 norms 25 * |a|. */
    private static final float[] CONSTANTS = {0.5f, -3f, 0.1f, 2f, -0.2f, 1f};

    private static Network lenetWithHandMadeConv1(NDManager manager) {
        Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
        float[] w = new float[6 * 25];
        for (int i = 0; i < w.length; i++) {
            w[i] = CONSTANTS[i / 25];
        }
        net.layers().get(0).weight().getArray().set(w);
        return net;
    }

    @Test
    void l1FilterScoresAreTheFiltersL1NormPerWeightAndKeepTheLargestFilters() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = lenetWithHandMadeConv1(manager);
            L1Filter l1 = new L1Filter();
            ChannelPruner pruner = new ChannelPruner(net);
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            PruningContext context = new PruningContext(net, pruner.targets(), masks, manager, null, 0, 0, 0,
                    options(l1, Map.of()));
            float[] scores = l1.channelScores(context, pruner.groups()).get(pruner.groups().get(0).name());
            assertArrayEquals(new float[] {0.5f, 3f, 0.1f, 2f, 0.2f, 1f}, scores, 1e-6f);

            assertEquals(Distribution.UNIFORM, l1.defaultDistribution());
            pruner.prune(l1, options(l1, Map.of()), masks, 4, Distribution.UNIFORM, 1, false, null, 0, 0);
            int[] kept = pruner.kept(masks).get(pruner.groups().get(0).name());
            // Layer-wise at 4x keeps a little under half of every layer: 3 of conv1's 6, the largest |a|.
            assertArrayEquals(new int[] {1, 3, 5}, kept);
        }
    }

    @Test
    void bnScaleRemovesTheChannelsOfSmallestGammaAcrossTheNetwork() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarResNet.ResNet20(), new Shape(3, 32, 32), 10, manager, 0);
            ChannelPruner pruner = new ChannelPruner(net);
            Random random = new Random(4);
            List<float[]> gammas = new ArrayList<>();
            for (ChannelGroup g : pruner.groups()) {
                float[] gamma = new float[g.channels()];
                for (int c = 0; c < gamma.length; c++) {
                    gamma[c] = (float) random.nextGaussian();
                }
                net.allParameters().get(g.norm().gamma()).getArray().set(gamma);
                gammas.add(gamma);
            }
            BnScale bn = new BnScale();
            assertEquals(Distribution.GLOBAL, bn.defaultDistribution());
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            pruner.prune(bn, options(bn, Map.of()), masks, 1.5, Distribution.GLOBAL, 1, false, null, 0, 0);
            Map<String, int[]> kept = pruner.kept(masks);
            double largestRemoved = 0;
            double smallestKept = Double.POSITIVE_INFINITY;
            int removed = 0;
            for (int g = 0; g < gammas.size(); g++) {
                List<Integer> k = java.util.Arrays.stream(kept.get(pruner.groups().get(g).name())).boxed().toList();
                for (int c = 0; c < gammas.get(g).length; c++) {
                    double a = Math.abs(gammas.get(g)[c]);
                    if (k.contains(c)) {
                        smallestKept = Math.min(smallestKept, a);
                    } else {
                        largestRemoved = Math.max(largestRemoved, a);
                        removed++;
                    }
                }
            }
            assertTrue(removed > 50, removed + " channels removed");
            assertTrue(largestRemoved < smallestKept, largestRemoved + " removed vs " + smallestKept + " kept");
        }
    }

    @Test
    void bnScaleNeedsABatchNormAndTheStructuredParametersAreChecked() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            ChannelPruner pruner = new ChannelPruner(net);
            BnScale bn = new BnScale();
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            String e = assertThrows(ConfigException.class, () -> pruner.prune(bn, options(bn, Map.of()), masks, 2,
                    Distribution.GLOBAL, 1, false, null, 0, 0)).getMessage();
            assertTrue(e.startsWith("bn_scale ranks channels by their BatchNorm's gamma, but 01Conv2d_weight of lenet5"),
                    e);
        }
        StructuredStrategy random = new RandomFilter();
        random.validate(options(random, Map.of("target", "speedup", "min_channels", 0.25)));
        random.validate(options(random, Map.of("min_channels", 4.0)));
        assertThrows(ConfigException.class, () -> random.validate(options(random, Map.of("target", "flops"))));
        assertThrows(ConfigException.class, () -> random.validate(options(random, Map.of("min_channels", 1.5))));
        assertThrows(ConfigException.class, () -> random.validate(options(random, Map.of("min_channels", 0.0))));
        assertThrows(ConfigException.class, () -> random.validate(options(random, Map.of("distribution", "erk"))));
    }

    @Test
    void theStrategiesAreRegistered() {
        StrategyRegistry registry = new StrategyRegistry();
        for (String name : List.of("l1_filter", "bn_scale", "random_filter")) {
            assertTrue(registry.get(name) instanceof StructuredStrategy, name);
            assertEquals(Map.of("target", "compression", "min_channels", 1.0, "layer_fractions", Map.of()),
                    registry.get(name).parameterDefaults());
        }
    }
}
