package prunebench.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.Map;
import prunebench.model.LayerOutputs;
import prunebench.model.LayerProduct;

/**
 * The store of a reparameterised forward pass: its weights in place of the network's, and the layers' outputs
 * from {@link Reparameterization#output} for the layers that ask ({@link prunebench.model.Layers}). One per forward
 * pass, because the reparameterised weights depend on the step and live on the step's scope.
 */
final class ReparameterizedStore extends ParameterStore implements LayerOutputs {
    private final Reparameterization reparameterization;
    private final Map<Parameter, String> reparameterized;
    private final NDManager scope;
    private final long step;

    /**
     * @param reparameterized the network's parameters that {@code reparameterization} replaces, by identity, with
     *     their names
     */
    ReparameterizedStore(Reparameterization reparameterization, Map<Parameter, String> reparameterized,
            NDManager scope, long step) {
        super(scope, false);
        this.reparameterization = reparameterization;
        this.reparameterized = reparameterized;
        this.scope = scope;
        this.step = step;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        NDArray value = super.getValue(parameter, device, training);
        String name = reparameterized.get(parameter);
        return name == null ? value : reparameterization.weight(name, value, scope, step);
    }

    @Override
    public NDArray output(Parameter weight, NDArray input, NDArray bias, LayerProduct product, boolean training) {
        NDArray value = super.getValue(weight, input.getDevice(), training);
        String name = reparameterized.get(weight);
        return name == null ? product.apply(input, value, bias)
                : reparameterization.output(name, input, value, bias, product, scope, step);
    }
}
