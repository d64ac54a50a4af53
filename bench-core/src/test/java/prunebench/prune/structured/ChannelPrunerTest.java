package prunebench.prune.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.model.ChannelGroup;
import prunebench.model.Complexity;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.StrategyOptions;
import prunebench.testing.TestChannelScores;

class ChannelPrunerTest {
    private static StrategyOptions options(Map<String, Object> given) {
        return new StrategyOptions("test_channels", StructuredStrategy.STRUCTURED_DEFAULTS, given);
    }

    /** LeNet-5 pruned with random channel scores; returns the surviving channels per group. */
    private static Map<String, int[]> prune(Network net, ChannelPruner pruner, MaskSet masks, double target,
            Distribution distribution, Map<String, Object> given) {
        pruner.prune(new TestChannelScores(), options(given), masks, target, distribution, 1, false, null, 0, 3);
        return pruner.kept(masks);
    }

    @Test
    void aRemovedFilterTakesItsBiasAndTheConsumersInputChannelsAlong() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            ChannelPruner pruner = new ChannelPruner(net);
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            Map<String, int[]> kept = prune(net, pruner, masks, 4, Distribution.GLOBAL, Map.of());

            ChannelGroup conv2 = pruner.groups().get(1);
            List<Integer> survivors = java.util.Arrays.stream(kept.get(conv2.name())).boxed().toList();
            assertTrue(survivors.size() < 16 && !survivors.isEmpty(), survivors.toString());
            float[] w = net.layers().get(1).weight().getArray().toFloatArray(); // (16, 6, 5, 5)
            float[] b = net.layers().get(1).bias().getArray().toFloatArray();
            float[] fc1 = net.layers().get(2).weight().getArray().toFloatArray(); // (120, 400), 25 inputs per channel
            for (int c = 0; c < 16; c++) {
                boolean alive = survivors.contains(c);
                double filter = 0;
                for (int i = c * 150; i < (c + 1) * 150; i++) {
                    filter += Math.abs(w[i]);
                }
                double inputs = 0;
                for (int row = 0; row < 120; row++) {
                    for (int j = c * 25; j < (c + 1) * 25; j++) {
                        inputs += Math.abs(fc1[row * 400 + j]);
                    }
                }
                assertEquals(alive, filter > 0, "filter " + c);
                assertEquals(alive, b[c] != 0, "bias " + c);
                // fc1's rows of removed neurons are zero too, but every kept neuron still reads a kept channel.
                assertEquals(alive, inputs > 0, "fc1 inputs of channel " + c);
            }
        }
    }

    @Test
    void theBudgetArithmeticMatchesTheCountedNonzerosAndMeetsTheTarget() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String target : List.of("compression", "speedup")) {
                Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
                ChannelPruner pruner = new ChannelPruner(net);
                MaskSet masks = MaskSet.dense(pruner.targets(), manager);
                Map<String, int[]> kept = prune(net, pruner, masks, 5, Distribution.GLOBAL, Map.of("target", target));
                Complexity cx = Complexity.of(net);
                int[] counts = pruner.groups().stream().mapToInt(g -> kept.get(g.name()).length).toArray();
                assertEquals(cx.paramsNonzero(), (long) new ChannelBudget(net, pruner.groups(),
                        ChannelBudget.Measure.PARAMETERS).cost(counts));
                assertEquals(cx.flopsNonzero(), (long) new ChannelBudget(net, pruner.groups(),
                        ChannelBudget.Measure.MULTIPLY_ADDS).cost(counts));
                // Met from below, in whole channels: the last removal may overshoot by one channel's cost (a conv2
                // filter of LeNet-5 is 3,151 parameters counting fc1's inputs, and 15,000 of its 416,520 multiply-adds).
                double reached = target.equals("speedup") ? cx.speedup() : cx.compression();
                assertTrue(reached >= 5 && reached < (target.equals("speedup") ? 8 : 6), target + " " + reached);
            }
        }
    }

    @Test
    void minChannelsKeepsEveryLayerAliveAndAnUnreachableTargetIsAnError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            ChannelPruner pruner = new ChannelPruner(net);
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            Map<String, int[]> kept = prune(net, pruner, masks, 20, Distribution.GLOBAL, Map.of("min_channels", 3.0));
            for (ChannelGroup g : pruner.groups()) {
                assertTrue(kept.get(g.name()).length >= 3, g.name() + " keeps " + kept.get(g.name()).length);
            }
            assertTrue(Complexity.of(net).compression() >= 20);

            // Half of every layer: conv1 3, conv2 8, fc1 60, fc2 42 channels leave ~15.7k of 61.7k parameters.
            Network other = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            ChannelPruner half = new ChannelPruner(other);
            MaskSet halfMasks = MaskSet.dense(half.targets(), manager);
            Map<String, int[]> k = prune(other, half, halfMasks, 3, Distribution.GLOBAL, Map.of("min_channels", 0.5));
            int[] floor = {3, 8, 60, 42};
            for (int g = 0; g < 4; g++) {
                assertTrue(k.get(half.groups().get(g).name()).length >= floor[g]);
            }
            String message = assertThrows(ConfigException.class, () -> prune(other, half,
                    MaskSet.dense(half.targets(), manager), 8, Distribution.GLOBAL, Map.of("min_channels", 0.5)))
                    .getMessage();
            assertTrue(message.startsWith("compression 8 is unreachable by structured pruning of lenet5: keeping "
                    + "min_channels (0.5) in each of its 4 prunable layers gives at most 3.9"), message);
        }
    }

    /** Channel scores with every other one NaN and one infinite (a broken plug-in's) stop the pruning, named. */
    @Test
    void nonFiniteChannelScoresStopThePruning() {
        StructuredStrategy broken = new StructuredStrategy() {
            @Override
            public String name() {
                return "test_channels";
            }

            @Override
            public String description() {
                return "random channel scores, some not finite";
            }

            @Override
            public Map<String, float[]> channelScores(prunebench.prune.PruningContext context,
                    List<ChannelGroup> groups) {
                Map<String, float[]> scores = new TestChannelScores().channelScores(context, groups);
                float[] conv2 = scores.get(groups.get(1).name()); // 16 channels: 8 NaN, 1 infinite
                for (int c = 0; c < conv2.length; c += 2) {
                    conv2[c] = Float.NaN;
                }
                conv2[1] = Float.POSITIVE_INFINITY;
                return scores;
            }
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            ChannelPruner pruner = new ChannelPruner(net);
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            String message = assertThrows(IllegalStateException.class, () -> pruner.prune(broken, options(Map.of()),
                    masks, 4, Distribution.GLOBAL, 1, false, null, 0, 3)).getMessage();
            assertEquals("strategy 'test_channels' returned non-finite scores for " + pruner.groups().get(1).name()
                    + ": 8 NaN and 1 infinite of its 16 remaining channels; scores must be finite numbers to rank "
                    + "channels, so this run stops instead of pruning in an arbitrary order", message);
        }
    }

    @Test
    void layerScopeRemovesTheSameFractionOfChannelsEverywhere() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            ChannelPruner pruner = new ChannelPruner(net);
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            Map<String, int[]> kept = prune(net, pruner, masks, 4, Distribution.UNIFORM, Map.of());
            // fraction f = 1/2 gives compression ~3.9, so f is a little under it: 3/6, 8/16, 59-60/120, 41-42/84.
            int[] channels = {6, 16, 120, 84};
            double f = (double) kept.get(pruner.groups().get(2).name()).length / 120;
            for (int g = 0; g < 4; g++) {
                int n = kept.get(pruner.groups().get(g).name()).length;
                assertEquals(Math.round(f * channels[g]), n, 1, "group " + g);
            }
            assertTrue(f > 0.4 && f < 0.5, "fraction " + f);
            assertTrue(Complexity.of(net).compression() >= 4);
        }
    }
}
