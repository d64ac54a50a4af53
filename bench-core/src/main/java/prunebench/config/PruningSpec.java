package prunebench.config;

import java.util.List;

/** The pruning axes of the grid: compression targets and strategies, and which tensors may be pruned. */
public record PruningSpec(
        List<Double> compressions, boolean pruneClassifier, boolean pruneBiases, List<StrategySpec> strategies) {

    /** The same settings for one compression and one strategy: the pruning of a single run. */
    public PruningSpec forRun(double compression, StrategySpec strategy) {
        return new PruningSpec(List.of(compression), pruneClassifier, pruneBiases, List.of(strategy));
    }
}
