package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with the update rule of {@code torch.optim.SGD} (dampening 0): d = g + wd * w (wd 0
 * for a parameter not {@link TrainableParameter#decayed});
 * buf = momentum * buf + d (buf = d at the first step); d = nesterov ? d + momentum * buf : buf; w -= lr * d.
 *
 * <p>Rounding: the momentum buffer is bit-identical to torch's ({@code buf.mul_(m).add_(d)}). The last line is
 * computed as {@code w - round(lr * d)}, two roundings, where torch's {@code param.add_(d, alpha=-lr)} is one fused
 * multiply-add; about 2% of the updated weights differ from torch's in the last bit after a step. DJL's native
 * {@code JniUtils.sgdUpdate} is no way out: it folds the learning rate into the momentum buffer
 * (buf = m * buf + lr * d; w -= buf), which is torch's rule only for a constant learning rate and stores a
 * different buffer in checkpoints.
 *
 * <p>Cost: scalars are 0-dimensional float32 arrays created once ({@code momentum}, {@code weight_decay}) or once
 * per step ({@code lr}) rather than per parameter and operation (DJL turns every {@code mul(Number)} into a fresh
 * direct buffer and tensor, which dominated the step of small networks), and temporaries are closed as soon as
 * they are used. The arithmetic is unchanged: torch casts a 0-dim operand to the tensor's float32 before the
 * operation, exactly as it did with DJL's per-call float64 scalars.
 */
final class Sgd implements Optimizer {
    private final List<TrainableParameter> params;
    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;
    private final Map<String, NDArray> buffers = new HashMap<>();
    private NDArray momentumScalar;
    private NDArray decayScalar;

    Sgd(List<TrainableParameter> params, double momentum, boolean nesterov, double weightDecay) {
        this.params = params;
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(double lr) {
        if (params.isEmpty()) {
            return;
        }
        NDManager manager = params.get(0).parameter().getArray().getManager();
        if (momentumScalar == null) {
            momentumScalar = ScalarArrays.of(manager, momentum);
            decayScalar = ScalarArrays.of(manager, weightDecay);
        }
        try (NDArray lrScalar = ScalarArrays.of(manager, lr)) {
            for (TrainableParameter p : params) {
                update(p, lrScalar);
            }
        }
    }

    private void update(TrainableParameter p, NDArray lrScalar) {
        NDArray w = p.parameter().getArray();
        try (NDArray g = w.getGradient(); ScalarArrays.Temps temps = new ScalarArrays.Temps()) {
            NDArray d = g;
            if (weightDecay != 0 && p.decayed()) {
                d = temps.add(g.add(temps.add(w.mul(decayScalar))));
            }
            if (momentum != 0) {
                NDArray buf = buffers.get(p.name());
                if (buf == null) {
                    buf = d.duplicate();
                    buf.detach();
                    buffers.put(p.name(), buf);
                } else {
                    buf.muli(momentumScalar).addi(d);
                }
                d = nesterov ? temps.add(d.add(temps.add(buf.mul(momentumScalar)))) : buf;
            }
            w.subi(temps.add(d.mul(lrScalar)));
        }
    }

    @Override
    public double weightDecay() {
        return weightDecay;
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new HashMap<>();
        buffers.forEach((k, v) -> out.put("momentum/" + k, v));
        return out;
    }

    @Override
    public void loadState(Map<String, NDArray> state) {
        clearBuffers();
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

    private void clearBuffers() {
        buffers.values().forEach(NDArray::close);
        buffers.clear();
    }

    @Override
    public void close() {
        clearBuffers();
        ScalarArrays.close(momentumScalar, decayScalar);
        momentumScalar = null;
        decayScalar = null;
    }
}
