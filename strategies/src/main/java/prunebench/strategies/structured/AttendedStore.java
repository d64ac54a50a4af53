package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.Map;
import java.util.function.BiConsumer;
import prunebench.model.LayerOutputs;
import prunebench.model.LayerProduct;

/**
 * PCAS's forward pass: sees each attention module's layer's output and passes it on attended; {@code record} sees
 * the attention.
 */
final class AttendedStore extends ParameterStore implements LayerOutputs {
    private final NDManager scope;
    private final Map<Parameter, AttentionModule> modules;
    private final boolean softmax;
    private final BiConsumer<Parameter, NDArray> record;

    AttendedStore(NDManager scope, Map<Parameter, AttentionModule> modules, boolean softmax,
            BiConsumer<Parameter, NDArray> record) {
        super(scope, false);
        this.scope = scope;
        this.modules = modules;
        this.softmax = softmax;
        this.record = record;
    }

    @Override
    public NDArray output(Parameter weight, NDArray input, NDArray bias, LayerProduct product, boolean training) {
        NDArray y = product.apply(input, getValue(weight, input.getDevice(), training), bias);
        AttentionModule module = modules.get(weight);
        if (module == null) {
            return y;
        }
        NDArray a = module.attention(scope, y, softmax);
        if (record != null) {
            record.accept(weight, a);
        }
        return AttentionModule.attend(y, a);
    }
}
