package prunebench.prune;

/**
 * Implemented, besides {@link PruningStrategy}, by a strategy that also changes the masks while the network trains
 * (dynamic sparse training: RigL, SET). The strategy's {@link PruningStrategy#score} still sets the initial masks
 * under the run's distribution; the updater returned here then rewires them during training. The run attaches it to
 * every training step of a pruned run and records its {@link MaskUpdater#stats()}.
 */
public interface DynamicSparsity {
    /** A fresh updater bound to one run's network, masks and optimizer. */
    MaskUpdater maskUpdater(DynamicContext context);

    /**
     * Whether the updater finds the masks itself from a dense start (dynamic network surgery): the run then has no
     * prune stage before training, its masks start all ones, and {@link DynamicContext#keep()} gives the target.
     */
    default boolean prunesFromDense() {
        return false;
    }
}
