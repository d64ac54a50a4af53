package prunebench.strategies.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.model.Architecture;
import prunebench.model.Network;
import prunebench.prune.LearnedMask;
import prunebench.prune.structured.StructuredStrategy;

/** The channel gates of {@code l0_channels} on a hand-worked case. */
class L0ChannelsTest {
    /** flatten - Linear(2) - Linear(2) (classifier), on 1x1x3 inputs: a prunable 2x3 weight, 3 weights a channel. */
    static Network tiny(NDManager manager) {
        Linear classifier = Linear.builder().setUnits(2).build();
        SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(2).build()).add(classifier);
        Network n = Network.of("tiny", new Architecture(net, classifier), new Shape(1, 1, 3), 2, manager);
        n.layers().get(0).weight().getArray().set(new float[] {1f, -1f, 0.5f, 2f, 3f, -4f});
        return n;
    }

    @Test
    void oneGatePerOutputChannelWhosePenaltyCountsTheFilter() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = tiny(manager);
            L0Channels l0 = new L0Channels();
            assertInstanceOf(LearnedMask.class, l0);
            assertInstanceOf(StructuredStrategy.class, l0);
            HardConcreteGates gates = (HardConcreteGates) l0.gates(GatesTest.context(net, manager, l0, Map.of(),
                    1000, 10, 1));
            String w = GatesTest.hidden(net);
            // one gate per channel of the hidden layer; the classifier's outputs are not gated
            assertEquals(java.util.Set.of(w), gates.weights());
            assertEquals(new Shape(2, 1), gates.aux(w).getShape());
            gates.loadState(Map.of(w, manager.create(new float[] {0f, 2f}, new Shape(2, 1))));

            // P(z != 0) = sigmoid(log_alpha + (2/3) log(1.1 / 0.1)): 0.831822 at 0, sigmoid(3.598597) = 0.9733667
            // at 2; each channel carries 3 weights: expected L0 = 3 (0.831822 + 0.9733667), times lambda / N = 1/1000
            JniUtils.setGradMode(false);
            NDArray aux = gates.aux(w);
            JniUtils.zeroGrad((PtNDArray) aux);
            float loss;
            try (NDManager scope = manager.newSubManager();
                    GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray l = gates.loss(scope, 0, 100);
                collector.backward(l);
                loss = l.getFloat();
            }
            assertEquals(3 * (0.831822 + 0.9733667) / 1000, loss, 1e-8);
            try (NDArray g = aux.getGradient()) { // 3 P (1 - P) lambda / N per gate
                assertArrayEquals(new float[] {(float) (3 * 0.831822 * (1 - 0.831822) / 1000),
                        (float) (3 * 0.9733667 * (1 - 0.9733667) / 1000)}, g.toFloatArray(), 1e-9f);
            }

            // a gate multiplies its whole filter: test-time gate 1 at log_alpha 4, 0 at -4, 0.5 at 0
            gates.loadState(Map.of(w, manager.create(new float[] {4f, -4f}, new Shape(2, 1))));
            try (NDManager scope = manager.newSubManager()) {
                NDArray weight = net.allParameters().get(w).getArray();
                assertArrayEquals(new float[] {1f, -1f, 0.5f, 0f, 0f, 0f},
                        gates.weight(w, weight, scope, -1).toFloatArray(), 1e-6f);
                float[] sample = gates.weight(w, weight, scope, 3).toFloatArray(); // one draw per filter
                assertEquals(sample[0] / 1f, sample[1] / -1f, 1e-6f);
                assertEquals(sample[0] / 1f, sample[2] / 0.5f, 1e-6f);
            }
            // the scores repeat each channel's log_alpha over its filter
            assertArrayEquals(new float[] {4, 4, 4, -4, -4, -4}, gates.scores(manager).get(w).toFloatArray(), 0f);
            gates.loadState(Map.of(w, manager.create(new float[] {0f, 4f}, new Shape(2, 1))));
            gates.fold();
            assertArrayEquals(new float[] {0.5f, -0.5f, 0.25f, 2f, 3f, -4f},
                    net.allParameters().get(w).getArray().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void takesTheL0AndTheStructuredParameters() {
        Map<String, Object> d = new L0Channels().parameterDefaults();
        assertEquals(2.0 / 3.0, d.get("beta"));
        assertEquals("compression", d.get(StructuredStrategy.TARGET));
        assertEquals(1e-3, d.get(LearnedMask.LEARN_LR));
    }
}
