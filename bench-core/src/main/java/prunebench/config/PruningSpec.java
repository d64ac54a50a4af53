package prunebench.config;

import java.util.List;
import prunebench.prune.InitScale;

/**
 * The pruning axes of the grid: compression targets and strategies, which tensors may be pruned, and the scale of a
 * sparse network's initial weights ({@code init_scale}).
 */
public record PruningSpec(
        List<Double> compressions, boolean pruneClassifier, boolean pruneBiases, List<StrategySpec> strategies,
        InitScale initScale) {

    /** With the dense initialisation scale (the default). */
    public PruningSpec(List<Double> compressions, boolean pruneClassifier, boolean pruneBiases,
            List<StrategySpec> strategies) {
        this(compressions, pruneClassifier, pruneBiases, strategies, InitScale.DENSE);
    }

    /**
     * The pruning of a single run: one compression and one strategy, with the init scale the run applies (dense for a
     * pretrained run whatever the experiment says).
     */
    public PruningSpec forRun(double compression, StrategySpec strategy, InitScale applied) {
        return new PruningSpec(List.of(compression), pruneClassifier, pruneBiases, List.of(strategy), applied);
    }
}
