package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
import java.util.TreeMap;
import prunebench.prune.DynamicContext;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;

/**
 * RigL (Evci et al. 2020, "Rigging the Lottery"): every {@code update_interval} steps until {@code end_fraction}
 * of training, each layer drops the cosine-decayed {@code drop_fraction} of its active weights with the lowest
 * |w| and regrows as many connections where the dense gradient |dL/dw| of the current batch is largest. The
 * gradient of masked weights is available because masks zero the weights rather than cut the graph. Regrown
 * connections start at zero and their optimizer state (momentum, Adam moments) is reset via
 * {@link prunebench.train.Optimizer#resetState}.
 *
 * <p>As in the reference ({@code SparseRigLOptimizer.apply_gradients} in google-research/rigl, which passes the
 * optimizer update as the false branch of {@code cond_mask_update_op}), a mask-update step makes no optimizer step:
 * its batch's gradient only chooses the regrown connections ({@code skip_step: true}, the default; {@code false}
 * steps and then updates, as SET's reference does). The reference's global step does not advance on that batch, so it
 * takes one more batch in all; here the stage keeps its number of batches and makes one optimizer step fewer per
 * update.
 */
public final class RigL extends DynamicSparseStrategy {
    static final String SKIP_STEP = "skip_step";

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> defaults = new TreeMap<>(super.parameterDefaults());
        defaults.put(SKIP_STEP, true);
        return Map.copyOf(defaults);
    }

    @Override
    boolean skipsOptimizerStep(StrategyOptions options) {
        return options.getBoolean(SKIP_STEP);
    }

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
