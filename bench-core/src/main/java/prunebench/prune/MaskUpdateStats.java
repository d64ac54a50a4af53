package prunebench.prune;

/**
 * Counts of a dynamic-sparsity run.
 *
 * @param updates            mask updates made
 * @param connectionsChanged connections that became active and were not before, summed over all updates and
 *                           tensors (each also retires one active connection, so the active count is unchanged)
 */
public record MaskUpdateStats(int updates, long connectionsChanged) {
    public static final MaskUpdateStats NONE = new MaskUpdateStats(0, 0);

    public MaskUpdateStats plus(MaskUpdateStats other) {
        return new MaskUpdateStats(updates + other.updates, connectionsChanged + other.connectionsChanged);
    }

    /** Connections changed per update; NaN when there was none. */
    public double meanChanged() {
        return updates == 0 ? Double.NaN : (double) connectionsChanged / updates;
    }
}
