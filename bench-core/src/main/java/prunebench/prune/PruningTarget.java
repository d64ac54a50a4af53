package prunebench.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import prunebench.model.PrunableLayer;

/**
 * One prunable tensor: a Conv/Linear weight, or its bias when {@code prune_biases} is set.
 *
 * @param name      the parameter's unique name in the network (the key of scores and masks)
 * @param parameter the parameter
 * @param layer     the layer it belongs to
 */
public record PruningTarget(String name, Parameter parameter, PrunableLayer layer) {
    public boolean isBias() {
        return parameter != layer.weight();
    }

    public NDArray array() {
        return parameter.getArray();
    }

    public long size() {
        return parameter.getArray().size();
    }
}
