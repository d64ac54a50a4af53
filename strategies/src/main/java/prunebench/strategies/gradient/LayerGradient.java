package prunebench.strategies.gradient;

import prunebench.prune.Distribution;

/** |w * dL/dw| ranked within each layer; every layer keeps the same fraction (ShrinkBench's LayerMagGrad). */
public final class LayerGradient extends GlobalGradient {
    @Override
    public String name() {
        return "layer_gradient";
    }

    @Override
    public String description() {
        return "|w * dL/dw| on one training batch, the same fraction kept in every layer";
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }
}
