package prunebench.prune;

import java.util.List;
import prunebench.model.Network;
import prunebench.train.Optimizer;

/**
 * What a {@link DynamicSparsity} updater is bound to for one run.
 *
 * @param network   the network being trained (its weights already masked)
 * @param targets   the prunable tensors, in the masks' order
 * @param masks     the masks the trainer keeps applied; updaters change them in place
 * @param optimizer the run's optimizer, whose state of regrown connections must be reset
 * @param seed      the run's seed, for updaters that draw random numbers
 * @param options   the strategy's options (its own parameters merged over their defaults)
 * @param keep      the prunable entries the run's compression keeps, for updaters that prune to it
 *                  ({@link DynamicSparsity#prunesFromDense()}); -1 when not given
 * @param compression the run's compression target (for channel pruning, which meets it in whole channels); NaN
 *                  when not given
 * @param torchName the name the run's files give a target's DJL name (identity when not given)
 */
public record DynamicContext(Network network, List<PruningTarget> targets, MaskSet masks, Optimizer optimizer,
        long seed, StrategyOptions options, long keep, double compression,
        java.util.function.UnaryOperator<String> torchName) {
    public DynamicContext {
        targets = List.copyOf(targets);
        torchName = torchName == null ? n -> n : torchName;
    }

    public DynamicContext(Network network, List<PruningTarget> targets, MaskSet masks, Optimizer optimizer, long seed,
            StrategyOptions options, long keep, double compression) {
        this(network, targets, masks, optimizer, seed, options, keep, compression, null);
    }

    public DynamicContext(Network network, List<PruningTarget> targets, MaskSet masks, Optimizer optimizer, long seed,
            StrategyOptions options) {
        this(network, targets, masks, optimizer, seed, options, -1, Double.NaN);
    }
}
