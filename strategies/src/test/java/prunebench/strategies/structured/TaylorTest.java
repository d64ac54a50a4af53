package prunebench.strategies.structured;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.ChannelGroup;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.ChannelPruner;
import prunebench.testing.SyntheticData;
import prunebench.train.CrossEntropy;

class TaylorTest {
    @Test
    void gateGradientsAreSquaredPerBatchAveragedAndL2NormalisedPerLayer() {
        // Rows of w * g: (1 * 0.5 + 2 * -0.5, 3 * 1 + 4 * 1) = (-0.5, 7).
        assertArrayEquals(new double[] {-0.5, 7}, Taylor.rowSums(new float[] {1, 2, 3, 4},
                new float[] {0.5f, -0.5f, 1, 1}, 2), 1e-12);
        // Squares of two batches' gate gradients (-0.5, 7) and (1, 0): sums (1.25, 49), means (0.625, 24.5).
        double[] sums = {1.25, 49};
        assertArrayEquals(new float[] {0.625f, 24.5f}, Taylor.normalized(sums, 2, false), 1e-6f);
        double norm = Math.sqrt(0.625 * 0.625 + 24.5 * 24.5) + 1e-8;
        assertArrayEquals(new float[] {(float) (0.625 / norm), (float) (24.5 / norm)}, Taylor.normalized(sums, 2, true),
                1e-7f);
    }

    @Test
    void aChannelsScoreIsTheSquaredDerivativeOfTheLossByItsGate() {
        // Independent check on LeNet-5: scaling filter c of conv1 and its bias by (1 + e) is its gate at 1 + e; the
        // central difference of the loss gives dL/dgate, whose square the strategy returns (one batch, no
        // normalisation).
        ImageData data = SyntheticData.create(64, 16, 1, 28, 10, 3);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            // a confident classifier: gradients far above float32's rounding of the loss
            NDArray classifier = net.layers().get(net.layers().size() - 1).weight().getArray();
            classifier.muli(100);
            ChannelPruner pruner = new ChannelPruner(net);
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            BatchLoader train = new BatchLoader(data, data.train(), false, Device.cpu());
            Taylor taylor = new Taylor();
            StrategyOptions options = new StrategyOptions("taylor", taylor.parameterDefaults(),
                    Map.of("batches", 1, "normalize", "none"));
            PruningContext context = new PruningContext(net, pruner.targets(), masks, manager, train, 64, 0, 0,
                    options);
            ChannelGroup conv1 = pruner.groups().get(0);
            float[] scores = taylor.channelScores(context, pruner.groups()).get(conv1.name());
            BatchLoader.Batch batch = context.batches(1, 64).get(0);
            NDArray w = net.allParameters().get(conv1.name()).getArray();
            NDArray b = net.allParameters().get(conv1.bias()).getArray();
            float[] w0 = w.toFloatArray();
            float[] b0 = b.toFloatArray();
            double eps = 1e-3;
            int nonzero = 0;
            for (int c = 0; c < conv1.channels(); c++) {
                double up = lossWithGate(context, batch, w, b, w0, b0, c, 1 + eps);
                double down = lossWithGate(context, batch, w, b, w0, b0, c, 1 - eps);
                double derivative = (up - down) / (2 * eps);
                assertEquals(derivative * derivative, scores[c], 0.03 * derivative * derivative + 1e-9, "channel " + c);
                nonzero += scores[c] > 0 ? 1 : 0;
            }
            assertTrue(nonzero > 3);
            masks.close();
        }
    }

    private static double lossWithGate(PruningContext context, BatchLoader.Batch batch, NDArray w, NDArray b,
            float[] w0, float[] b0, int channel, double gate) {
        float[] w1 = w0.clone();
        float[] b1 = b0.clone();
        int size = w0.length / b0.length;
        for (int i = channel * size; i < (channel + 1) * size; i++) {
            w1[i] = (float) (w0[i] * gate);
        }
        b1[channel] = (float) (b0[channel] * gate);
        w.set(w1);
        b.set(b1);
        double loss = CrossEntropy.loss(context.forward(batch.images(), true), batch.labels()).getFloat();
        w.set(w0);
        b.set(b0);
        return loss;
    }

    @Test
    void badOptionsAreRefusedAtLoad() {
        Taylor taylor = new Taylor();
        assertThrows(ConfigException.class, () -> taylor.validate(new StrategyOptions("taylor",
                taylor.parameterDefaults(), Map.of("normalize", "l1"))));
        assertThrows(ConfigException.class, () -> taylor.validate(new StrategyOptions("taylor",
                taylor.parameterDefaults(), Map.of("batches", 0))));
    }
}
