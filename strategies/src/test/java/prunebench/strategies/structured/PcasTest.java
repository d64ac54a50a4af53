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
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.ChannelGroup;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.ChannelPruner;
import prunebench.testing.FreedMemory;
import prunebench.testing.SyntheticData;

class PcasTest {
    /**
     * Two examples of a 2-channel (1 x 2) map: example 1 has channels (1, 3) and (-2, 0), spatial means 2 and -1;
     * example 2 has (0, 0) and (1, 1), means 0 and 1.
     */
    private static final float[] Y = {1, 3, -2, 0, 0, 0, 1, 1};

    /** W1 = [[1, -1]], b1 = [0.5], W2 = [[1], [-1]], b2 = [-3, 3]: h = 1 hidden unit. */
    private static AttentionModule handModule(NDManager manager) {
        return AttentionModule.of(manager, "m", new float[] {1, -1}, new float[] {0.5f}, new float[] {1, -1},
                new float[] {-3, 3}, 2, 1);
    }

    private static float[] attention(boolean softmax) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray y = manager.create(Y, new Shape(2, 2, 1, 2));
            return handModule(manager).attention(manager, y, softmax).toFloatArray();
        }
    }

    @Test
    void theAttentionOfATwoChannelMapIsWorkedByHand() {
        // Example 1: u = relu(2 - (-1) + 0.5) = 3.5, v = (3.5 - 3, -3.5 + 3) = (0.5, -0.5).
        // Example 2: u = relu(0 - 1 + 0.5) = 0 (the ReLU cuts), v = b2 = (-3, 3).
        assertArrayEquals(new float[] {0.62245935f, 0.37754068f, 0.04742587f, 0.95257413f}, attention(false), 1e-6f);
        // Softmax form: 2 x softmax(v): (1.4621172, 0.5378828) and (0.0049452, 1.9950548).
        assertArrayEquals(new float[] {1.4621172f, 0.5378828f, 0.0049452f, 1.9950548f}, attention(true), 1e-6f);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray y = manager.create(Y, new Shape(2, 2, 1, 2));
            NDArray a = manager.create(new float[] {0.5f, 2, 1, 0}, new Shape(2, 2));
            // every position of channel c of example n times a[n, c]
            assertArrayEquals(new float[] {0.5f, 1.5f, -4, 0, 0, 0, 0, 0}, AttentionModule.attend(y, a).toFloatArray(),
                    1e-7f);
            // a Linear layer's output (N, C) is its own spatial mean: (2, -1) gives example 1's attention
            NDArray flat = manager.create(new float[] {2, -1}, new Shape(1, 2));
            assertArrayEquals(new float[] {0.62245935f, 0.37754068f},
                    handModule(manager).attention(manager, flat, false).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void theStatisticIsTheMeanOverExamplesNotOverBatches() {
        double[] sums = new double[2];
        AttentionStatistics.add(sums, new float[] {0.2f, 0.8f, 0.4f, 0.6f}); // a batch of two examples
        AttentionStatistics.add(sums, new float[] {0.3f, 0.1f}); // a batch of one
        // (0.2 + 0.4 + 0.3) / 3, (0.8 + 0.6 + 0.1) / 3; the mean of batch means would give (0.3, 0.4)
        assertArrayEquals(new float[] {0.3f, 0.5f}, AttentionStatistics.mean(sums, 3), 1e-6f);
    }

    /** d sum(y * a) / d b2 with the 1e30 scribble between forward and backward, or without. */
    private static float[] b2Gradient(boolean softmax, boolean scribbled) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            AttentionModule m = handModule(manager);
            JniUtils.zeroGrad((PtNDArray) m.b2());
            try (NDManager scope = manager.newSubManager();
                    GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray y = scope.create(Y, new Shape(2, 2, 1, 2));
                NDArray out = AttentionModule.attend(y, m.attention(scope, y, softmax)).sum();
                if (scribbled) {
                    FreedMemory.scribble();
                }
                collector.backward(out);
                FreedMemory.release();
            }
            try (NDArray g = m.b2().getGradient()) {
                return g.toFloatArray();
            }
        }
    }

    @Test
    void theAttentionsGradientIsRightAndSafeFromFreedConstants() {
        // sigmoid: sum_n S_nc s(v_nc)(1 - s(v_nc)), S the channel's spatial sum: (4, -2) and (0, 2);
        // 4 x 0.2350037 = 0.9400148; -2 x 0.2350037 + 2 x 0.0451767 = -0.3796541
        // softmax (x 2): sum_n 2 p_nk (S_nk - sum_c p_nc S_nc) = (2.3494772, -2.3494772)
        float[][] expected = {{0.9400148f, -0.3796541f}, {2.3494772f, -2.3494772f}};
        for (boolean softmax : new boolean[] {false, true}) {
            float[] quiet = b2Gradient(softmax, false);
            assertArrayEquals(expected[softmax ? 1 : 0], quiet, 1e-5f, "softmax " + softmax);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(quiet, b2Gradient(softmax, true), "softmax " + softmax);
            }
        }
    }

    /** conv1's hand-set b2 logits; W1, W2 and b1 zero, so its attention is sigmoid(b2) for every example. */
    private static final float[] CONV1_LOGITS = {2, -1, 0.5f, -3, 1, 0};

    private static Pcas constantAttention() {
        return new Pcas((group, hidden, manager, random) -> {
            int c = group.channels();
            float[] b2 = new float[c];
            if (c == CONV1_LOGITS.length) { // conv1, the only 6-channel layer of LeNet-5
                b2 = CONV1_LOGITS.clone();
            }
            return AttentionModule.of(manager, group.name(), new float[hidden * c], new float[hidden],
                    new float[c * hidden], b2, c, hidden);
        });
    }

    @Test
    void theLowestStatisticsOfEachLayerGoAndTheRebuiltNetworkHasNoAttention() {
        ImageData data = SyntheticData.create(96, 16, 1, 28, 10, 3);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            List<String> names = List.copyOf(net.allParameters().keySet());
            ChannelPruner pruner = new ChannelPruner(net);
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            BatchLoader train = new BatchLoader(data, data.train(), false, Device.cpu());
            Pcas pcas = constantAttention();
            StrategyOptions options = new StrategyOptions("pcas", pcas.parameterDefaults(),
                    Map.of("attention_epochs", 0));
            PruningContext context = new PruningContext(net, pruner.targets(), masks, manager, train, 32, 0, 0,
                    options);
            ChannelGroup conv1 = pruner.groups().get(0);
            // over all 96 examples (3 batches), the mean of a constant sigmoid(b2)
            assertArrayEquals(new float[] {0.8807971f, 0.26894143f, 0.62245935f, 0.04742587f, 0.7310586f, 0.5f},
                    pcas.channelScores(context, pruner.groups()).get(conv1.name()), 1e-6f);

            assertEquals(Distribution.UNIFORM, pcas.defaultDistribution());
            pruner.prune(pcas, options, masks, 4, Distribution.UNIFORM, 1, false, train, 32, 0);
            // layer-wise at 4x: 3 of conv1's 6 stay, those of the highest statistic (0.88, 0.73, 0.62)
            assertArrayEquals(new int[] {0, 2, 4}, pruner.kept(masks).get(conv1.name()));
            assertEquals(names, List.copyOf(net.allParameters().keySet()), "no module joins the network");
            masks.close();
        }
    }

    @Test
    void trainingMovesOnlyTheAttentionNotTheNetwork() {
        ImageData data = SyntheticData.create(64, 16, 1, 28, 10, 5);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            Map<String, float[]> before = new HashMap<>();
            net.allParameters().forEach((n, p) -> before.put(n, p.getArray().toFloatArray()));
            ChannelPruner pruner = new ChannelPruner(net);
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            BatchLoader train = new BatchLoader(data, data.train(), false, Device.cpu());
            Pcas pcas = new Pcas();
            Map<String, float[]> untrained = scores(pcas, net, pruner, masks, manager, train, 0);
            Map<String, float[]> trained = scores(pcas, net, pruner, masks, manager, train, 2);
            String conv1 = pruner.groups().get(0).name();
            assertFalse(java.util.Arrays.equals(untrained.get(conv1), trained.get(conv1)),
                    "two epochs of Adam change the attention");
            for (float[] s : trained.values()) {
                for (float v : s) {
                    assertTrue(v > 0 && v < 1, "a sigmoid's mean: " + v);
                }
            }
            net.allParameters().forEach((n, p) -> assertArrayEquals(before.get(n), p.getArray().toFloatArray(),
                    n + " is frozen"));
            masks.close();
        }
    }

    private static Map<String, float[]> scores(Pcas pcas, Network net, ChannelPruner pruner, MaskSet masks,
            NDManager manager, BatchLoader train, int epochs) {
        StrategyOptions options = new StrategyOptions("pcas", pcas.parameterDefaults(),
                Map.of("attention_epochs", epochs, "attention_lr", 0.01));
        try (NDManager scoring = manager.newSubManager()) {
            return pcas.channelScores(new PruningContext(net, pruner.targets(), masks, scoring, train, 16, 0, 0,
                    options), pruner.groups());
        }
    }

    @Test
    void badOptionsAreRefusedAtLoad() {
        Pcas pcas = new Pcas();
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("reduction", 0),
                Map.of("activation", "tanh"), Map.of("attention_epochs", -1), Map.of("attention_lr", 0.0),
                Map.of("statistic_batches", 0))) {
            assertThrows(ConfigException.class, () -> pcas.validate(new StrategyOptions("pcas",
                    pcas.parameterDefaults(), bad)), bad.toString());
        }
        pcas.validate(new StrategyOptions("pcas", pcas.parameterDefaults(), Map.of("activation", "softmax",
                "statistic_batches", 5, "attention_epochs", 0)));
    }
}
