package prunebench.prune;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import prunebench.data.BatchLoader;
import prunebench.model.Network;

/**
 * The one pruning loop, for single weights ({@link Pruner}) and whole channels
 * ({@link prunebench.prune.structured.ChannelPruner}): each round applies the current masks, scores the network in
 * a scope of its own and lets the caller select the round's masks; the masks are applied at the end.
 */
public final class PruningRounds {
    /** One round's scoring and selection, writing the masks. */
    public interface Round {
        void run(PruningContext context, int round);
    }

    private PruningRounds() {}

    public static void run(Network network, List<PruningTarget> targets, MaskSet masks, BatchLoader data,
            int batchSize, long seed, StrategyOptions options, int iterations, Round round) {
        run(network, targets, masks, data, null, batchSize, seed, options, iterations, round);
    }

    /** The same, the contexts carrying the held-out {@code validation} split (null: none). */
    public static void run(Network network, List<PruningTarget> targets, MaskSet masks, BatchLoader data,
            BatchLoader validation, int batchSize, long seed, StrategyOptions options, int iterations, Round round) {
        JniUtils.setGradMode(false); // masks are applied in place: see Trainer
        NDManager manager = network.block().getParameters().valueAt(0).getArray().getManager();
        for (int r = 0; r < iterations; r++) {
            masks.apply();
            try (NDManager scope = manager.newSubManager()) {
                round.run(new PruningContext(network, targets, masks, scope, data, batchSize, seed, r, options,
                        validation, Double.NaN), r);
            }
        }
        masks.apply();
    }
}
