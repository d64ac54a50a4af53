package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam exactly as {@code torch.optim.Adam} (L2 weight decay added to the gradient, bias-corrected moments,
 * eps added after the square root).
 */
final class Adam implements Optimizer {
    private final List<TrainableParameter> params;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, NDArray> first = new HashMap<>();
    private final Map<String, NDArray> second = new HashMap<>();
    private final Map<String, Integer> steps = new HashMap<>();
    /** weight_decay, beta1, 1 - beta1, beta2, 1 - beta2, eps as 0-dim float32 arrays (see {@link ScalarArrays}). */
    private NDArray[] constants;

    Adam(List<TrainableParameter> params, double beta1, double beta2, double eps, double weightDecay) {
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(double lr) {
        if (params.isEmpty()) {
            return;
        }
        NDManager manager = params.get(0).parameter().getArray().getManager();
        if (constants == null) {
            constants = new NDArray[] {ScalarArrays.of(manager, weightDecay), ScalarArrays.of(manager, beta1),
                ScalarArrays.of(manager, 1 - beta1), ScalarArrays.of(manager, beta2),
                ScalarArrays.of(manager, 1 - beta2), ScalarArrays.of(manager, eps)};
        }
        // Bias corrections depend on each parameter's step count, normally the same for all: one pair per count.
        Map<Integer, NDArray[]> corrections = new HashMap<>();
        try {
            for (TrainableParameter p : params) {
                int t = steps.merge(p.name(), 1, Integer::sum);
                NDArray[] c = corrections.computeIfAbsent(t, k -> new NDArray[] {
                    ScalarArrays.of(manager, Math.sqrt(1 - Math.pow(beta2, k))),
                    ScalarArrays.of(manager, lr / (1 - Math.pow(beta1, k)))});
                update(p, c[0], c[1]);
            }
        } finally {
            corrections.values().forEach(ScalarArrays::close);
        }
    }

    /** m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= (lr / c1) * m / (sqrt(v) / c2 + eps). */
    private void update(TrainableParameter p, NDArray c2, NDArray stepSize) {
        NDArray decay = constants[0];
        NDArray b1 = constants[1];
        NDArray oneMinusB1 = constants[2];
        NDArray b2 = constants[3];
        NDArray oneMinusB2 = constants[4];
        NDArray epsilon = constants[5];
        NDArray w = p.parameter().getArray();
        try (NDArray grad = w.getGradient(); ScalarArrays.Temps temps = new ScalarArrays.Temps()) {
            NDArray g = grad;
            if (weightDecay != 0 && p.decayed()) {
                g = temps.add(g.add(temps.add(w.mul(decay))));
            }
            NDArray m = first.computeIfAbsent(p.name(), k -> detached(w.zerosLike()));
            NDArray v = second.computeIfAbsent(p.name(), k -> detached(w.zerosLike()));
            m.muli(b1).addi(temps.add(g.mul(oneMinusB1)));
            v.muli(b2).addi(temps.add(g.square()).muli(oneMinusB2));
            NDArray denom = temps.add(v.sqrt()).divi(c2).addi(epsilon);
            NDArray update = temps.add(m.div(denom));
            w.subi(update.muli(stepSize));
        }
    }

    private static NDArray detached(NDArray a) {
        a.detach();
        return a;
    }

    @Override
    public double weightDecay() {
        return weightDecay;
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new HashMap<>();
        first.forEach((k, v) -> out.put("adam_m/" + k, v));
        second.forEach((k, v) -> out.put("adam_v/" + k, v));
        steps.forEach((k, v) -> out.put("adam_t/" + k, first.get(k).getManager().create(new int[] {v})));
        return out;
    }

    @Override
    public void loadState(Map<String, NDArray> state) {
        close();
        for (TrainableParameter p : params) {
            NDArray m = state.get("adam_m/" + p.name());
            NDArray v = state.get("adam_v/" + p.name());
            NDArray t = state.get("adam_t/" + p.name());
            if (m != null && v != null && t != null) {
                NDArray w = p.parameter().getArray();
                NDArray mm = detached(w.zerosLike());
                NDArray vv = detached(w.zerosLike());
                m.copyTo(mm);
                v.copyTo(vv);
                first.put(p.name(), mm);
                second.put(p.name(), vv);
                steps.put(p.name(), t.toIntArray()[0]);
            }
        }
    }

    @Override
    public void resetState(String parameter, NDArray mask) {
        for (Map<String, NDArray> moments : List.of(first, second)) {
            NDArray s = moments.get(parameter);
            if (s != null) {
                try (NDArray keep = mask.neg().addi(1)) {
                    s.muli(keep);
                }
            }
        }
    }

    @Override
    public void close() {
        first.values().forEach(NDArray::close);
        second.values().forEach(NDArray::close);
        first.clear();
        second.clear();
        steps.clear();
        if (constants != null) {
            ScalarArrays.close(constants);
            constants = null;
        }
    }
}
