package prunebench.strategies.agent;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.util.Pair;
import prunebench.model.PrunableLayer;

/** {@link Amc}'s state before normalisation: what the agent is told about the layer of each step. */
final class LayerFeatures {
    private LayerFeatures() {
    }

    /** The raw features of the layer reading group {@code step}: [t, type, in, out, stride, kernel, weights]. */
    static double[] of(int step, PrunableLayer layer, Block root) {
        Shape w = layer.weightShape();
        boolean conv = layer.kind() == PrunableLayer.Kind.CONV;
        double stride = conv ? strideOf(root, layer.weight()) : 0;
        double kernel = conv ? w.get(2) : 1;
        return new double[] {step, conv ? 0 : 1, w.get(1), w.get(0), stride, kernel, w.size()};
    }

    private static double strideOf(Block block, Parameter weight) {
        if (block instanceof Convolution c && c.getParameters().contains("weight")
                && c.getParameters().get("weight") == weight) {
            return c.getStride().get(0);
        }
        for (Pair<String, Block> child : block.getChildren()) {
            double s = strideOf(child.getValue(), weight);
            if (s > 0) {
                return s;
            }
        }
        return 0;
    }
}
