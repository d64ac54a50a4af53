package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Adam of commit 50a3067, kept as the bitwise reference for {@link Adam}.
 * Adam exactly as {@code torch.optim.Adam} (L2 weight decay added to the gradient, bias-corrected moments,
 * eps added after the square root).
 */
final class ReferenceAdam implements Optimizer {
    private final List<TrainableParameter> params;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, NDArray> first = new HashMap<>();
    private final Map<String, NDArray> second = new HashMap<>();
    private final Map<String, Integer> steps = new HashMap<>();

    ReferenceAdam(List<TrainableParameter> params, double beta1, double beta2, double eps, double weightDecay) {
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(double lr) {
        for (TrainableParameter p : params) {
            NDArray w = p.parameter().getArray();
            try (NDManager scope = w.getManager().newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(scope);
                if (weightDecay != 0) {
                    g = g.add(ReferenceSgd.scoped(w.mul(weightDecay), scope));
                }
                NDArray m = first.computeIfAbsent(p.name(), k -> detached(w.zerosLike()));
                NDArray v = second.computeIfAbsent(p.name(), k -> detached(w.zerosLike()));
                int t = steps.merge(p.name(), 1, Integer::sum);
                m.muli(beta1).addi(g.mul(1 - beta1));
                v.muli(beta2).addi(g.square().muli(1 - beta2));
                double c1 = 1 - Math.pow(beta1, t);
                double c2 = Math.sqrt(1 - Math.pow(beta2, t));
                NDArray denom = ReferenceSgd.scoped(v.sqrt(), scope).divi(c2).addi(eps);
                NDArray update = ReferenceSgd.scoped(m.div(denom), scope);
                w.subi(update.muli(lr / c1));
            }
        }
    }

    private static NDArray detached(NDArray a) {
        a.detach();
        return a;
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
    }
}
