package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SGD of commit 50a3067 (a DJL scalar per operation), kept as the bitwise reference for {@link Sgd}.
 * Stochastic gradient descent exactly as {@code torch.optim.SGD} (dampening 0): d = g + wd * w;
 * buf = momentum * buf + d (buf = d at the first step); d = nesterov ? d + momentum * buf : buf; w -= lr * d.
 */
final class ReferenceSgd implements Optimizer {
    private final List<TrainableParameter> params;
    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;
    private final Map<String, NDArray> buffers = new HashMap<>();

    ReferenceSgd(List<TrainableParameter> params, double momentum, boolean nesterov, double weightDecay) {
        this.params = params;
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(double lr) {
        for (TrainableParameter p : params) {
            NDArray w = p.parameter().getArray();
            // Every temporary lives in this scope: ops allocate on their first operand's manager.
            try (NDManager scope = w.getManager().newSubManager()) {
                NDArray d = w.getGradient();
                d.attach(scope);
                if (weightDecay != 0) {
                    d = d.add(scoped(w.mul(weightDecay), scope));
                }
                if (momentum != 0) {
                    NDArray buf = buffers.get(p.name());
                    if (buf == null) {
                        buf = d.duplicate();
                        buf.detach();
                        buffers.put(p.name(), buf);
                    } else {
                        buf.muli(momentum).addi(d);
                    }
                    d = nesterov ? d.add(scoped(buf.mul(momentum), scope)) : buf;
                }
                w.subi(scoped(d.mul(lr), scope));
            }
        }
    }

    static NDArray scoped(NDArray a, NDManager scope) {
        a.attach(scope);
        return a;
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new HashMap<>();
        buffers.forEach((k, v) -> out.put("momentum/" + k, v));
        return out;
    }

    @Override
    public void loadState(Map<String, NDArray> state) {
        close();
        for (TrainableParameter p : params) {
            NDArray saved = state.get("momentum/" + p.name());
            if (saved != null) {
                NDArray buf = p.parameter().getArray().zerosLike();
                saved.copyTo(buf);
                buf.detach();
                buffers.put(p.name(), buf);
            }
        }
    }

    @Override
    public void resetState(String parameter, NDArray mask) {
        NDArray buf = buffers.get(parameter);
        if (buf != null) {
            try (NDArray keep = mask.neg().addi(1)) {
                buf.muli(keep);
            }
        }
    }

    @Override
    public void close() {
        buffers.values().forEach(NDArray::close);
        buffers.clear();
    }
}
