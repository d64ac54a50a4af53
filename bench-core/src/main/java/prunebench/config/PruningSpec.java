package prunebench.config;

import java.util.List;
import prunebench.prune.InitScale;

/**
 * The pruning axes of the grid: compression targets and strategies, which tensors may be pruned, and the scale of a
 * sparse network's initial weights ({@code init_scale}).
 * {@code compressionOf} says what a compression target counts: {@value #ALL} (ShrinkBench: all trainable parameters
 * / nonzero parameters) or {@value #PRUNABLE} (the prunable tensors only: prunable / kept, the convention of
 * Synaptic-Flow and most pruning-at-init papers, where sparsity = 1 - 1/compression of the masked weights).
 */
public record PruningSpec(
        List<Double> compressions, boolean pruneClassifier, boolean pruneBiases, List<StrategySpec> strategies,
        InitScale initScale, String compressionOf) {
    public static final String ALL = "all";
    /** The largest compression an experiment may ask for: more than any network's parameter count. */
    public static final double MAX_COMPRESSION = 1e12;
    static final String MAX_COMPRESSION_TEXT = "1e12";
    public static final String PRUNABLE = "prunable";

    /** Compression over all parameters (the shape before {@code compression_of} was added). */
    public PruningSpec(List<Double> compressions, boolean pruneClassifier, boolean pruneBiases,
            List<StrategySpec> strategies, InitScale initScale) {
        this(compressions, pruneClassifier, pruneBiases, strategies, initScale, ALL);
    }

    /** With the dense initialisation scale (the default), compression over all parameters. */
    public PruningSpec(List<Double> compressions, boolean pruneClassifier, boolean pruneBiases,
            List<StrategySpec> strategies) {
        this(compressions, pruneClassifier, pruneBiases, strategies, InitScale.DENSE);
    }

    /**
     * The pruning of a single run: one compression and one strategy, with the init scale the run applies (dense for a
     * pretrained run whatever the experiment says).
     */
    public PruningSpec forRun(double compression, StrategySpec strategy, InitScale applied) {
        return new PruningSpec(List.of(compression), pruneClassifier, pruneBiases, List.of(strategy), applied,
                compressionOf);
    }
}
