package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import prunebench.prune.DynamicContext;
import prunebench.prune.PruningTarget;

/**
 * RigL (Evci et al. 2020, "Rigging the Lottery"): every {@code update_interval} steps until {@code end_fraction}
 * of training, each layer drops the cosine-decayed {@code drop_fraction} of its active weights with the lowest
 * |w| and regrows as many connections where the dense gradient |dL/dw| of the current batch is largest. The
 * gradient of masked weights is available because masks zero the weights rather than cut the graph. Regrown
 * connections start at zero and their optimizer state (momentum, Adam moments) is reset via
 * {@link prunebench.train.Optimizer#resetState}.
 */
public final class RigL extends DynamicSparseStrategy {
    @Override
    public String name() {
        return "rigl";
    }

    @Override
    public String description() {
        return "RigL: random sparse init (ERK), drop lowest |w|, regrow largest |dL/dw| during training";
    }

    @Override
    float[] growthScores(DynamicContext context, PruningTarget target, int step, NDManager scope) {
        NDArray gradient = target.array().getGradient(); // a new handle on each call
        gradient.attach(scope);
        NDArray magnitude = gradient.abs();
        magnitude.attach(scope);
        return magnitude.toType(DataType.FLOAT32, false).toFloatArray();
    }
}
