package prunebench.train;

import ai.djl.ndarray.NDArray;
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
final class Sgd extends BufferedOptimizer {
    private final double momentum;
    private final boolean nesterov;
    private final Map<String, NDArray> buffers = buffers("momentum/");

    Sgd(List<TrainableParameter> params, double momentum, boolean nesterov, double weightDecay) {
        super(params, weightDecay);
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    void update(TrainableParameter p, double lr, ScalarArrays.Cache stepScalars) {
        NDArray w = p.parameter().getArray();
        try (NDArray g = w.getGradient(); ScalarArrays.Temps temps = new ScalarArrays.Temps()) {
            NDArray d = g;
            if (weightDecay != 0 && p.decayed()) {
                d = temps.add(g.add(temps.add(w.mul(constant(weightDecay)))));
            }
            if (momentum != 0) {
                NDArray momentumScalar = constant(momentum);
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
            w.subi(temps.add(d.mul(stepScalars.of(lr))));
        }
    }
}
