package prunebench.train;

import ai.djl.ndarray.NDArray;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam exactly as {@code torch.optim.Adam} (L2 weight decay added to the gradient, bias-corrected moments,
 * eps added after the square root).
 */
final class Adam extends BufferedOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final Map<String, NDArray> first = buffers("adam_m/");
    private final Map<String, NDArray> second = buffers("adam_v/");
    private final Map<String, Integer> steps = new HashMap<>();

    Adam(List<TrainableParameter> params, double beta1, double beta2, double eps, double weightDecay) {
        super(params, weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /**
     * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= (lr / c1) * m / (sqrt(v) / c2 + eps). The bias corrections
     * depend on each parameter's step count, normally the same for all: one pair of arrays per step.
     */
    @Override
    void update(TrainableParameter p, double lr, ScalarArrays.Cache stepScalars) {
        int t = steps.merge(p.name(), 1, Integer::sum);
        NDArray c2 = stepScalars.of(Math.sqrt(1 - Math.pow(beta2, t)));
        NDArray stepSize = stepScalars.of(lr / (1 - Math.pow(beta1, t)));
        NDArray w = p.parameter().getArray();
        try (NDArray grad = w.getGradient(); ScalarArrays.Temps temps = new ScalarArrays.Temps()) {
            NDArray g = grad;
            if (weightDecay != 0 && p.decayed()) {
                g = temps.add(g.add(temps.add(w.mul(constant(weightDecay)))));
            }
            NDArray m = first.computeIfAbsent(p.name(), k -> detached(w.zerosLike()));
            NDArray v = second.computeIfAbsent(p.name(), k -> detached(w.zerosLike()));
            m.muli(constant(beta1)).addi(temps.add(g.mul(constant(1 - beta1))));
            v.muli(constant(beta2)).addi(temps.add(g.square()).muli(constant(1 - beta2)));
            NDArray denom = temps.add(v.sqrt()).divi(c2).addi(constant(eps));
            NDArray update = temps.add(m.div(denom));
            w.subi(update.muli(stepSize));
        }
    }

    private static NDArray detached(NDArray a) {
        a.detach();
        return a;
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = super.state();
        steps.forEach((k, v) -> out.put("adam_t/" + k, first.get(k).getManager().create(new int[] {v})));
        return out;
    }

    @Override
    boolean restoreOther(TrainableParameter p, Map<String, NDArray> state) {
        NDArray t = state.get("adam_t/" + p.name());
        if (t == null) {
            return false;
        }
        steps.put(p.name(), t.toIntArray()[0]);
        return true;
    }

    @Override
    void forget() {
        super.forget();
        steps.clear();
    }
}
