package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Sgd} and {@link Adam} share around their update rules: a step that updates every parameter in turn,
 * scalar operands as 0-dim float32 arrays on the parameters' manager ({@link ScalarArrays}), made once for the
 * optimizer's constants and once per step for the step's own, and per-parameter buffers (momentum, moments) that
 * are detached from autograd, saved as {@code <prefix><parameter name>}, restored into fresh arrays and zeroed where
 * connections regrow.
 */
abstract class BufferedOptimizer implements Optimizer {
    final List<TrainableParameter> params;
    final double weightDecay;
    /** Checkpoint prefix, then parameter name, to buffer. */
    private final Map<String, Map<String, NDArray>> buffers = new LinkedHashMap<>();
    /** Momentum, betas, weight decay, ...: made at the first step, closed with the optimizer. */
    private ScalarArrays.Cache constants;

    BufferedOptimizer(List<TrainableParameter> params, double weightDecay) {
        this.params = params;
        this.weightDecay = weightDecay;
    }

    /** The buffers saved as {@code prefix + parameter name}, which the subclass fills; call from its constructor. */
    final Map<String, NDArray> buffers(String prefix) {
        return buffers.computeIfAbsent(prefix, k -> new HashMap<>());
    }

    /** The optimizer's constant {@code value} as a 0-dim array, made once. */
    final NDArray constant(double value) {
        return constants.of(value);
    }

    @Override
    public final void step(double lr) {
        if (params.isEmpty()) {
            return;
        }
        NDManager manager = params.get(0).parameter().getArray().getManager();
        if (constants == null) {
            constants = new ScalarArrays.Cache(manager);
        }
        try (ScalarArrays.Cache stepScalars = new ScalarArrays.Cache(manager)) {
            for (TrainableParameter p : params) {
                update(p, lr, stepScalars);
            }
        }
    }

    /** Updates one parameter from its gradient; {@code stepScalars} makes this step's operands (lr, ...). */
    abstract void update(TrainableParameter p, double lr, ScalarArrays.Cache stepScalars);

    @Override
    public final double weightDecay() {
        return weightDecay;
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new HashMap<>();
        buffers.forEach((prefix, byName) -> byName.forEach((name, b) -> out.put(prefix + name, b)));
        return out;
    }

    /** A parameter's buffers are restored when all are in {@code state} and this restores the rest it needs. */
    @Override
    public final void loadState(Map<String, NDArray> state) {
        forget();
        for (TrainableParameter p : params) {
            if (buffers.keySet().stream().allMatch(prefix -> state.get(prefix + p.name()) != null)
                    && restoreOther(p, state)) {
                buffers.forEach((prefix, byName) -> {
                    NDArray b = p.parameter().getArray().zerosLike();
                    state.get(prefix + p.name()).copyTo(b);
                    b.detach();
                    byName.put(p.name(), b);
                });
            }
        }
    }

    /** Restores what a subclass keeps besides the buffers (Adam's step count); false when {@code state} lacks it. */
    boolean restoreOther(TrainableParameter p, Map<String, NDArray> state) {
        return true;
    }

    @Override
    public final void resetState(String parameter, NDArray mask) {
        for (Map<String, NDArray> byName : buffers.values()) {
            NDArray b = byName.get(parameter);
            if (b != null) {
                try (NDArray keep = mask.neg().addi(1)) {
                    b.muli(keep);
                }
            }
        }
    }

    /** Drops all state (buffers and what a subclass keeps besides them); the constants stay. */
    void forget() {
        for (Map<String, NDArray> byName : buffers.values()) {
            byName.values().forEach(NDArray::close);
            byName.clear();
        }
    }

    @Override
    public final void close() {
        forget();
        if (constants != null) {
            constants.close();
            constants = null;
        }
    }
}
