package prunebench.prune;

import ai.djl.ndarray.NDManager;
import java.util.List;
import prunebench.model.Network;

/**
 * What a {@link LearnedMask}'s gates are bound to.
 *
 * @param manager      where the gates' parameters live (the run's)
 * @param trainSize    the number of training examples (N: the papers scale their penalties by 1/N)
 * @param stepsPerEpoch optimizer steps in one epoch of the learning stage (annealing per epoch)
 * @param epochs       the learning stage's epochs
 */
public record GateContext(Network network, List<PruningTarget> targets, NDManager manager, long seed,
        StrategyOptions options, int trainSize, int stepsPerEpoch, int epochs) {
    public GateContext {
        targets = List.copyOf(targets);
    }
}
