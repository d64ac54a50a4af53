package prunebench.prune;

import prunebench.config.ConfigException;

/**
 * ShrinkBench's compression arithmetic: compression = all trainable parameters / nonzero parameters of the whole
 * model. Only the prunable tensors lose entries, so the number of prunable entries to keep is
 * {@code round(total / compression) - (total - prunable)}, i.e. the fraction
 * {@code (total/compression - nonprunable) / prunable}. A target below what the unprunable parameters alone allow
 * is an error, never a silent cap.
 */
public record CompressionBudget(long totalParameters, long prunableParameters, double compression) {
    public CompressionBudget {
        if (!(compression >= 1)) {
            throw new ConfigException("compression must be >= 1, got " + compression);
        }
        if (prunableParameters <= 0 || prunableParameters > totalParameters) {
            throw new IllegalArgumentException("prunable " + prunableParameters + " of " + totalParameters);
        }
    }

    public long nonprunable() {
        return totalParameters - prunableParameters;
    }

    /** Prunable entries that stay. */
    public long keep() {
        long keep = Math.round(totalParameters / compression) - nonprunable();
        if (keep < 1) {
            throw new ConfigException(String.format(
                    "compression %s is unreachable: %,d of the %,d parameters cannot be pruned (classifier, biases "
                            + "or BatchNorm), so the highest reachable compression is %.2f; allow more tensors to "
                            + "be pruned (pruning.prune_classifier, pruning.prune_biases) or lower the target",
                    fmt(compression), nonprunable(), totalParameters, (double) totalParameters / (nonprunable() + 1)));
        }
        return Math.min(keep, prunableParameters);
    }

    /** Fraction of prunable entries that stay. */
    public double keepFraction() {
        return (double) keep() / prunableParameters;
    }

    /** The highest compression that keeps at least one prunable entry. */
    public static double maxCompression(long total, long prunable) {
        return (double) total / (total - prunable + 1);
    }

    private static String fmt(double c) {
        return c == Math.rint(c) ? String.valueOf((long) c) : String.valueOf(c);
    }
}
