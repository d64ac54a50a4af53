package prunebench.strategies.structured;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.ChannelGroup;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.ChannelPruner;
import prunebench.testing.SyntheticData;
import prunebench.train.CrossEntropy;

/** {@code taylor_molchanov2019}: pytorch_pruning's criterion bookkeeping and its removal order, worked by hand. */
class TaylorMolchanov2019Test {
    private static final TaylorMolchanov2019 STRATEGY = new TaylorMolchanov2019();

    private static StrategyOptions options(Map<String, Object> given) {
        return new StrategyOptions(STRATEGY.name(), STRATEGY.parameterDefaults(), given);
    }

    /**
     * Layer a (2 channels), b (1), momentum 0.5. Batches 0..2 (the first step, after batch {@code frequency}, has
     * 31 = frequency + 1 batches in the reference; here 3): gate gradients a (1, -2) (0, 1) (2, 0), b 3, -1, 0:
     * squares summed a (5, 5), b 10, over 3 batches a (5/3, 5/3), b 10/3, no momentum at the first step. Batches 3,
     * 4: a (1, 1) (3, 0), b 1, 0: means a (5, 0.5), b 0.5; blended 0.5 * previous + 0.5 * mean: a (10/3, 13/12),
     * b 23/12.
     */
    @Test
    void criteriaAreBatchMeansOfSquaredGateGradientsBlendedByMomentumBetweenSteps() {
        Map<String, Integer> channels = new LinkedHashMap<>();
        channels.put("a", 2);
        channels.put("b", 1);
        GateScores s = new GateScores(channels, 0.5, false);
        s.add(Map.of("a", new double[] {1, -2}, "b", new double[] {3}));
        s.add(Map.of("a", new double[] {0, 1}, "b", new double[] {-1}));
        s.add(Map.of("a", new double[] {2, 0}, "b", new double[] {0}));
        assertEquals(3, s.batches());
        Map<String, float[]> first = s.scores();
        assertArrayEquals(new float[] {5f / 3, 5f / 3}, first.get("a"), 1e-6f);
        assertArrayEquals(new float[] {10f / 3}, first.get("b"), 1e-6f);
        assertEquals(0, s.batches(), "accumulation starts again after a pruning step");
        s.add(Map.of("a", new double[] {1, 1}, "b", new double[] {1}));
        s.add(Map.of("a", new double[] {3, 0}, "b", new double[] {0}));
        double[] state = s.state();
        Map<String, float[]> second = s.scores();
        assertArrayEquals(new float[] {10f / 3, 13f / 12}, second.get("a"), 1e-6f);
        assertArrayEquals(new float[] {23f / 12}, second.get("b"), 1e-6f);
        // a resumed run continues from the saved sums and averages
        GateScores resumed = new GateScores(channels, 0.5, false);
        resumed.loadState(state);
        assertArrayEquals(second.get("a"), resumed.scores().get("a"), 0f);

        GateScores l2 = new GateScores(channels, 0.5, true);
        l2.add(Map.of("a", new double[] {1, -2}, "b", new double[] {3}));
        // a (1, 4) / (sqrt(17) + 1e-8); b 9 / (9 + 1e-8)
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(17)), (float) (4 / Math.sqrt(17))},
                l2.scores().get("a"), 1e-6f);
    }

    /**
     * LeNet-5's groups conv1 (6), conv2 (16), fc1 (120), fc2 (84), every score 1 but conv1 #4 = 0.1, fc1 #3 = 0.2,
     * fc2 #7 = 0.05. Two per step: fc2 #7 and conv1 #4 go first (conv2's inputs from conv1 #4 too), then fc1 #3 and,
     * of the ties, the earliest group's lowest index, conv1 #0. A target one parameter beyond stops after one more.
     */
    @Test
    void eachStepRemovesTheLowestChannelsAcrossLayersUntilTheTarget() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            ChannelPruner pruner = new ChannelPruner(net);
            List<ChannelGroup> groups = pruner.groups();
            Map<String, float[]> scores = new HashMap<>();
            for (ChannelGroup g : groups) {
                float[] s = new float[g.channels()];
                java.util.Arrays.fill(s, 1f);
                scores.put(g.name(), s);
            }
            scores.get(groups.get(0).name())[4] = 0.1f;
            scores.get(groups.get(2).name())[3] = 0.2f;
            scores.get(groups.get(3).name())[7] = 0.05f;
            try (MaskSet masks = MaskSet.dense(pruner.targets(), manager)) {
                StrategyOptions o = options(Map.of());
                ChannelPruner.Removal r = pruner.removeLowest(scores, 2, masks, o, 4, false);
                assertEquals(2, r.removed());
                assertFalse(r.targetMet());
                assertArrayEquals(new int[] {0, 1, 2, 3, 5}, pruner.kept(masks).get(groups.get(0).name()));
                assertEquals(83, pruner.kept(masks).get(groups.get(3).name()).length);
                float[] conv2 = masks.get(groups.get(1).name()).toFloatArray(); // 16 x 6 x 5 x 5
                assertEquals(0f, conv2[4 * 25], "conv2's input channel 4 goes with conv1's filter 4");
                assertEquals(1f, conv2[3 * 25]);
                r = pruner.removeLowest(scores, 2, masks, o, 4, false);
                assertArrayEquals(new int[] {1, 2, 3, 5}, pruner.kept(masks).get(groups.get(0).name()));
                assertEquals(119, pruner.kept(masks).get(groups.get(2).name()).length, "fc1 #3");
                assertFalse(java.util.Arrays.stream(pruner.kept(masks).get(groups.get(2).name())).anyMatch(c -> c == 3));
                long total = net.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
                long gone = pruner.targets().stream().mapToLong(t -> t.size() - masks.kept(t.name())).sum();
                r = pruner.removeLowest(scores, 100, masks, o, total / (total - gone - 1.0), false);
                assertEquals(1, r.removed(), "one more channel meets a target one parameter away");
                assertTrue(r.targetMet());
                assertArrayEquals(new int[] {2, 3, 5}, pruner.kept(masks).get(groups.get(0).name()));
                assertThrows(ConfigException.class, () -> pruner.removeLowest(scores, 1, masks, o, 1e6, false));
            }
        }
    }

    /**
     * The updater's gate gradients are those of the weights the batch saw: after a backward pass, a change of the
     * weights (as the optimizer step makes before the listener runs) does not change them; they equal the one-shot
     * {@link Taylor} criterion's (whose square it returns, one batch, no normalisation).
     */
    @Test
    void gateGradientsUseTheWeightsBeforeTheOptimizerStep() {
        ImageData data = SyntheticData.create(64, 16, 1, 28, 10, 3);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            net.layers().get(net.layers().size() - 1).weight().getArray().muli(100);
            ChannelPruner pruner = new ChannelPruner(net);
            List<PruningTarget> targets = pruner.targets();
            try (MaskSet masks = MaskSet.dense(targets, manager)) {
                BatchLoader train = new BatchLoader(data, data.train(), false, Device.cpu());
                Taylor taylor = new Taylor();
                PruningContext context = new PruningContext(net, targets, masks, manager, train, 64, 0, 0,
                        new StrategyOptions("taylor", taylor.parameterDefaults(), Map.of("batches", 1,
                                "normalize", "none")));
                Map<String, float[]> oneShot = taylor.channelScores(context, pruner.groups());
                TaylorDuringFinetune updater = new TaylorDuringFinetune(new DynamicContext(net, targets, masks, null,
                        0, options(Map.of()), -1, 4));
                BatchLoader.Batch batch = context.batches(1, 64).get(0);
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    collector.backward(CrossEntropy.loss(context.forward(batch.images(), true), batch.labels()));
                }
                for (ChannelGroup g : pruner.groups()) { // the "optimizer step"
                    NDArray w = g.producer().weight().getArray();
                    w.set(w.mul(3).toFloatArray());
                }
                Map<String, double[]> gates = updater.gateGradients();
                for (ChannelGroup g : pruner.groups()) {
                    double[] gate = gates.get(g.name());
                    float[] expected = oneShot.get(g.name());
                    for (int c = 0; c < gate.length; c++) {
                        assertEquals(expected[c], gate[c] * gate[c], 1e-4 * expected[c] + 1e-12, g.name() + " " + c);
                    }
                }
            }
        }
    }

    @Test
    void optionsOutsideTheProcedureAreRefused() {
        assertThrows(ConfigException.class, () -> STRATEGY.validate(options(Map.of("scope", "layer"))));
        assertThrows(ConfigException.class, () -> STRATEGY.validate(options(Map.of("per_step", 0))));
        assertThrows(ConfigException.class, () -> STRATEGY.validate(options(Map.of("momentum", 1.0))));
        assertThrows(ConfigException.class, () -> STRATEGY.validate(options(Map.of("iterations", 3))));
        STRATEGY.validate(options(Map.of()));
        assertEquals(Map.of("frequency", 30, "per_step", 100, "momentum", 0.9, "normalize", "none"),
                Map.of("frequency", STRATEGY.parameterDefaults().get("frequency"), "per_step",
                        STRATEGY.parameterDefaults().get("per_step"), "momentum",
                        STRATEGY.parameterDefaults().get("momentum"), "normalize",
                        STRATEGY.parameterDefaults().get("normalize")), "configs/imagenet_resnet50_prune72.json");
    }
}
