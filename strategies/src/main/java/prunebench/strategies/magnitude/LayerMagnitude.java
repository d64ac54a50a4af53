package prunebench.strategies.magnitude;

import prunebench.prune.Distribution;

/** |w| ranked within each layer; every layer keeps the same fraction (ShrinkBench's LayerMagWeight). */
public final class LayerMagnitude extends GlobalMagnitude {
    @Override
    public String name() {
        return "layer_magnitude";
    }

    @Override
    public String description() {
        return "|w|, the same fraction kept in every layer";
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }
}
