package prunebench.strategies.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.model.LayerProduct;
import prunebench.model.Network;
import prunebench.prune.Gates;
import prunebench.prune.LearnedMask;
import prunebench.testing.FreedMemory;

/**
 * Every learned mask's training gradient (its layer output and its loss, to the weight and to its gates) is the same
 * whether or not the garbage collector freed and reused memory between the forward and the backward pass. Before
 * {@link prunebench.train.GraphScalars}, DJL's freed 0-dim constants (x 2 in log alpha, the KL's and the penalties'
 * weights, the hard concrete's 1 / beta) made that gradient now and then 10^5 times too large: sparse VD's Adam then
 * stalled, and l0 runs went NaN at random.
 */
class GateConstantsTest {
    private static final LayerProduct LINEAR = (x, w, b) -> Linear.linear(x, w, b).singletonOrThrow();

    /** d (sum of the layer's output + the gates' loss) / d (weight, gates) at training step 3. */
    private static List<float[]> gradients(LearnedMask strategy, Map<String, Object> options, boolean scribbled) {
        List<float[]> out = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            Gates gates = strategy.gates(GatesTest.context(net, manager, strategy, options, 100, 10, 20));
            String name = GatesTest.hidden(net);
            NDArray w = net.allParameters().get(name).getArray();
            JniUtils.setGradMode(false);
            JniUtils.zeroGrad((PtNDArray) w);
            gates.state().values().forEach(a -> JniUtils.zeroGrad((PtNDArray) a));
            try (NDManager scope = manager.newSubManager();
                    GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray x = scope.create(new float[] {1, 2, 3, -1}, new Shape(2, 2));
                NDArray b = scope.create(new float[] {0.1f, -0.2f});
                NDArray y = gates.output(name, x, w, b, LINEAR, scope, 3).sum().add(gates.loss(scope, 3, 100));
                if (scribbled) {
                    FreedMemory.scribble();
                }
                collector.backward(y);
                FreedMemory.release();
            }
            try (NDArray g = w.getGradient()) {
                out.add(g.toFloatArray());
            }
            for (NDArray a : gates.state().values()) {
                try (NDArray g = a.getGradient()) {
                    out.add(g.toFloatArray());
                }
            }
        }
        return out;
    }

    private static void sameEitherWay(LearnedMask strategy, Map<String, Object> options) {
        List<float[]> quiet = gradients(strategy, options, false);
        for (int i = 0; i < 2; i++) {
            List<float[]> scribbled = gradients(strategy, options, true);
            for (int k = 0; k < quiet.size(); k++) {
                assertArrayEquals(quiet.get(k), scribbled.get(k), strategy.name() + " " + options + " tensor " + k);
            }
        }
    }

    @Test
    void variationalDropoutInBothFormsKeepsItsConstants() {
        sameEitherWay(new VariationalDropout(), Map.of());
        sameEitherWay(new VariationalDropout(), Map.of("log_alpha_clip", 8.0, "variance", "alpha",
                "train_clip", true));
    }

    @Test
    void hardConcreteSoftMaskBernoulliAndAutoPruneGatesKeepTheirConstants() {
        sameEitherWay(new L0(), Map.of("weight_decay", 5e-4));
        sameEitherWay(new ContinuousSparsification(), Map.of("lambda", 0.1));
        sameEitherWay(new SparseGates(), Map.of());
        sameEitherWay(new AutoPrune(), Map.of());
    }

    @Test
    void bayesianGroupGatesKeepTheirConstants() {
        sameEitherWay(new StructuredBayesianPruning(), Map.of());
        sameEitherWay(new StructuredBayesianPruning(), Map.of("mu_init", -1.0, "log_sigma_init", -0.5));
        sameEitherWay(new BayesianCompression(), Map.of());
    }
}
