package prunebench.strategies.init;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.IdentityHashMap;
import java.util.Map;
import prunebench.model.Network;

/**
 * Stand-ins for every parameter of a network, handed to its blocks in place of the parameters' own arrays. A
 * scoring pass can then change values (SynFlow's |theta|), precision (float64) and which tensors track gradients,
 * and a training-mode forward updates the stand-ins' BatchNorm running statistics, never the model's: nothing is
 * written, so there is nothing to restore afterwards.
 */
final class ShadowStore extends ParameterStore {
    private final Network network;
    private final Map<Parameter, NDArray> shadows = new IdentityHashMap<>();

    /**
     * Copies of all parameters (BatchNorm running statistics included) on {@code manager}, detached from any
     * graph, converted to {@code type}, and replaced by their absolute values if {@code absolute}.
     */
    ShadowStore(Network network, NDManager manager, DataType type, boolean absolute) {
        super(manager, false);
        this.network = network;
        for (Parameter p : network.allParameters().values()) {
            NDArray original = p.getArray();
            try (NDArray detached = original.stopGradient()) {
                // toType(type, true) would alias when the type does not change (torch's to() with copy=false).
                NDArray copy = detached.getDataType() == type ? detached.duplicate() : detached.toType(type, false);
                if (absolute) {
                    NDArray abs = copy.abs();
                    copy.close();
                    copy = abs;
                }
                copy.attach(manager);
                shadows.put(p, copy);
            }
        }
    }

    /** The stand-in of {@code parameter}. */
    NDArray get(Parameter parameter) {
        NDArray a = shadows.get(parameter);
        if (a == null) {
            throw new IllegalArgumentException("no stand-in for parameter " + parameter.getName());
        }
        return a;
    }

    /** Makes the stand-in of {@code parameter} a leaf that accumulates a gradient, and returns it. */
    NDArray track(Parameter parameter) {
        NDArray a = get(parameter);
        a.setRequiresGradient(true);
        return a;
    }

    /**
     * Replaces the stand-in of {@code parameter} by a fresh leaf of the same values that tracks gradients: one that
     * never held a gradient, whose {@code .grad} therefore carries no earlier graph. Both stay on the store's
     * manager.
     */
    NDArray trackFresh(Parameter parameter) {
        NDArray fresh;
        try (NDArray detached = get(parameter).stopGradient()) {
            fresh = detached.duplicate();
        }
        fresh.setRequiresGradient(true);
        shadows.put(parameter, fresh);
        return fresh;
    }

    /** The network's output on {@code input} computed with the stand-ins. */
    NDArray forward(NDArray input, boolean training) {
        return network.block().forward(this, new NDList(input), training).singletonOrThrow();
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        return parameter == null ? null : get(parameter);
    }
}
