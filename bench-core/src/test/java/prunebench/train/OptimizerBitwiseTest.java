package prunebench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The optimizers with scalars created once give the same bits as the reference implementations that created a DJL
 * scalar per operation (so results recorded before the change stay reproducible), over steps with changing
 * learning rates and every option.
 */
class OptimizerBitwiseTest {
    private static List<TrainableParameter> params(NDManager m, long seed) {
        Random r = new Random(seed);
        List<TrainableParameter> out = new ArrayList<>();
        int[][] shapes = {{6, 1, 5, 5}, {120, 400}, {10}, {1}};
        for (int i = 0; i < shapes.length; i++) {
            long[] dims = java.util.Arrays.stream(shapes[i]).asLongStream().toArray();
            float[] v = new float[(int) new Shape(dims).size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) r.nextGaussian();
            }
            Parameter p = Parameter.builder().setName("p" + i).setType(Parameter.Type.WEIGHT)
                    .optArray(m.create(v, new Shape(dims))).build();
            p.getArray().setRequiresGradient(true);
            out.add(new TrainableParameter("p" + i, p));
        }
        return out;
    }

    /** Sets each gradient to a seeded random tensor by backpropagating sum(w * c). */
    private static void gradients(NDManager m, List<TrainableParameter> ps, Random r) {
        for (TrainableParameter p : ps) {
            NDArray w = p.parameter().getArray();
            JniUtils.zeroGrad((PtNDArray) w);
            float[] c = new float[(int) w.size()];
            for (int j = 0; j < c.length; j++) {
                c[j] = (float) (r.nextGaussian() * 0.3);
            }
            try (NDManager s = m.newSubManager(); GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(w.mul(s.create(c, w.getShape())).sum());
            }
        }
    }

    private static void same(Function<List<TrainableParameter>, Optimizer> fast,
            Function<List<TrainableParameter>, Optimizer> reference) {
        try (NDManager m = NDManager.newBaseManager()) {
            List<TrainableParameter> a = params(m, 1);
            List<TrainableParameter> b = params(m, 1);
            Random ra = new Random(2);
            Random rb = new Random(2);
            try (Optimizer oa = fast.apply(a); Optimizer ob = reference.apply(b)) {
                for (int step = 0; step < 6; step++) {
                    double lr = 0.1 * Math.cos(step * 0.3) + 0.013;
                    gradients(m, a, ra);
                    gradients(m, b, rb);
                    oa.step(lr);
                    ob.step(lr);
                    for (int i = 0; i < a.size(); i++) {
                        assertArrayEquals(b.get(i).parameter().getArray().toFloatArray(),
                                a.get(i).parameter().getArray().toFloatArray(), 0f, "step " + step + " " + a.get(i).name());
                    }
                }
                // State round trip: a restored optimizer continues with the same bits.
                java.util.Map<String, NDArray> saved = new java.util.HashMap<>();
                oa.state().forEach((k, v) -> saved.put(k, v.duplicate()));
                oa.loadState(saved);
                gradients(m, a, ra);
                gradients(m, b, rb);
                oa.step(0.05);
                ob.step(0.05);
                for (int i = 0; i < a.size(); i++) {
                    assertArrayEquals(b.get(i).parameter().getArray().toFloatArray(),
                            a.get(i).parameter().getArray().toFloatArray(), 0f, "after loadState " + a.get(i).name());
                }
            }
        }
    }

    @Test
    void sgdMatchesReferenceBitwise() {
        same(p -> new Sgd(p, 0.9, false, 0), p -> new ReferenceSgd(p, 0.9, false, 0));
        same(p -> new Sgd(p, 0.9, false, 5e-4), p -> new ReferenceSgd(p, 0.9, false, 5e-4));
        same(p -> new Sgd(p, 0.7, true, 1e-3), p -> new ReferenceSgd(p, 0.7, true, 1e-3));
        same(p -> new Sgd(p, 0, false, 1e-4), p -> new ReferenceSgd(p, 0, false, 1e-4));
    }

    @Test
    void adamMatchesReferenceBitwise() {
        same(p -> new Adam(p, 0.9, 0.999, 1e-8, 0), p -> new ReferenceAdam(p, 0.9, 0.999, 1e-8, 0));
        same(p -> new Adam(p, 0.8, 0.99, 1e-6, 1e-2), p -> new ReferenceAdam(p, 0.8, 0.99, 1e-6, 1e-2));
    }
}
