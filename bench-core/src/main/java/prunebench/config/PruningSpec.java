package prunebench.config;

import java.util.List;

/** The pruning axes of the grid: compression targets and strategies, and which tensors may be pruned. */
public record PruningSpec(
        List<Double> compressions, boolean pruneClassifier, boolean pruneBiases, List<StrategySpec> strategies) {}
