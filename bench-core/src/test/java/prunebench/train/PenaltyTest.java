package prunebench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import prunebench.config.PenaltySpec;
import prunebench.model.Architecture;
import prunebench.model.LeNet5;
import prunebench.model.Network;

/** The penalties' values and gradients on hand-set weights. */
class PenaltyTest {
    /** conv 1x1 (2 filters) - BN - ReLU - flatten - Linear(2) - ReLU - Linear(3), on 1x2x2 inputs. */
    static Network tiny(NDManager manager) {
        Linear classifier = Linear.builder().setUnits(3).build();
        SequentialBlock net = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(2).build())
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(2).build())
                .add(Activation.reluBlock())
                .add(classifier);
        return Network.of("tiny", new Architecture(net, classifier), new Shape(1, 2, 2), 3, manager);
    }

    /** The penalty's value, after backward (its gradients are then on the parameters). */
    private static float valueAndBackward(Penalty penalty, Network net, NDManager manager) {
        JniUtils.setGradMode(false);
        net.trainableParameters().values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p.getArray()));
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray v = penalty.value(scope);
            collector.backward(v);
            return v.getFloat();
        }
    }

    private static float[] gradient(NDArray parameter) {
        try (NDArray g = parameter.getGradient()) {
            return g.toFloatArray();
        }
    }

    @Test
    void l1OnBatchNormScalesAddsWeightTimesSignOfGamma() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = tiny(manager);
            assertEquals(1, net.batchNormScales().size());
            NDArray gamma = net.allParameters().get(net.batchNormScales().get(0)).getArray();
            gamma.set(new float[] {0.5f, -2f});
            float value = valueAndBackward(Penalty.of(PenaltySpec.l1Bn(1e-4), net), net, manager);
            assertEquals(1e-4 * 2.5, value, 1e-9);
            // liuzhuang13/slimming's updateBN(): grad += s * sign(gamma)
            assertArrayEquals(new float[] {1e-4f, -1e-4f}, gradient(gamma), 1e-10f);
            gamma.set(new float[] {0f, 3f});
            valueAndBackward(Penalty.of(PenaltySpec.l1Bn(1e-4), net), net, manager);
            assertArrayEquals(new float[] {0f, 1e-4f}, gradient(gamma), 1e-10f, "sign(0) = 0, as torch.sign");
        }
    }

    @Test
    void l1OnBatchNormScalesNeedsABatchNorm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network lenet = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            assertThrows(IllegalArgumentException.class, () -> Penalty.of(PenaltySpec.l1Bn(1e-4), lenet));
        }
    }

    @Test
    void groupLassoIsTheSumOfGroupNormsWithGradientWOverTheNorm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = tiny(manager);
            NDArray conv = net.layers().get(0).weight().getArray(); // (2, 1, 1, 1)
            NDArray hidden = net.layers().get(1).weight().getArray(); // (2, 8): rows are filters
            conv.set(new float[] {0f, 0f});
            float[] w = new float[16];
            w[0] = 3;
            w[1] = 4; // row 0 = (3, 4, 0, ...), norm 5; row 1 = 0
            hidden.set(w);
            float value = valueAndBackward(Penalty.of(PenaltySpec.groupLasso(0.01, "filters"), net), net, manager);
            assertEquals(0.01 * 5, value, 1e-6);
            float[] expected = new float[16];
            expected[0] = 0.01f * 0.6f;
            expected[1] = 0.01f * 0.8f;
            assertArrayEquals(expected, gradient(hidden), 1e-7f, "w / ||w_g||, 0 for the group at zero");
            assertArrayEquals(new float[] {0f, 0f}, gradient(conv), 1e-7f);

            // by input channel: columns (3, 0) and (4, 0), norms 3 and 4
            value = valueAndBackward(Penalty.of(PenaltySpec.groupLasso(0.01, "channels"), net), net, manager);
            assertEquals(0.01 * 7, value, 1e-5);
            expected = new float[16];
            expected[0] = 0.01f;
            expected[1] = 0.01f;
            assertArrayEquals(expected, gradient(hidden), 1e-7f);

            value = valueAndBackward(Penalty.of(PenaltySpec.groupLasso(0.01, "both"), net), net, manager);
            assertEquals(0.01 * 12, value, 1e-5);
            // the classifier is not penalised
            assertArrayEquals(new float[6], gradient(net.layers().get(2).weight().getArray()), 0f);
        }
    }
}
