package prunebench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

/**
 * Size and cost of a network as it stands: trainable parameters (BatchNorm running statistics excluded, as
 * PyTorch's {@code parameters()}), their nonzero entries, and multiply-adds of Conv/Linear weights per example,
 * dense and counting only nonzero weights.
 */
public record Complexity(long params, long paramsNonzero, long flops, long flopsNonzero) {
    public static Complexity of(Network network) {
        long params = 0;
        long nonzero = 0;
        for (Parameter p : network.trainableParameters().values()) {
            NDArray a = p.getArray();
            params += a.size();
            nonzero += a.countNonzero().getLong();
        }
        long flops = 0;
        long flopsNonzero = 0;
        for (PrunableLayer layer : network.layers()) {
            NDArray w = layer.weight().getArray();
            flops += w.size() * layer.usesPerWeight();
            flopsNonzero += w.countNonzero().getLong() * layer.usesPerWeight();
        }
        return new Complexity(params, nonzero, flops, flopsNonzero);
    }

    public double compression() {
        return (double) params / paramsNonzero;
    }

    public double theoreticalSpeedup() {
        return (double) flops / flopsNonzero;
    }
}
