package prunebench.prune;

/** How a model-wide budget of kept weights is shared among the prunable tensors. */
public enum Distribution {
    /** One ranking across all tensors: the highest scores anywhere are kept. */
    GLOBAL,
    /** Every tensor keeps the same fraction (ShrinkBench's layer-wise strategies). */
    UNIFORM,
    /** Erdos-Renyi-Kernel (Evci et al. 2020): density proportional to sum(dims)/prod(dims), capped at 1. */
    ERK,
    /**
     * Each tensor's density in proportion to the strategy's {@code layer_densities} (Han et al. 2015's per-layer
     * fractions), scaled by one common factor to the run's budget, capped at 1 with the excess redistributed
     * ({@link LayerDensities}).
     */
    LAYER_DENSITIES
}
