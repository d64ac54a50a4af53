package prunebench.train;

/**
 * Training diverged: the loss is NaN or infinite, or it grew orders of magnitude beyond any classifier's (see
 * {@link #check}). The run is recorded as failed, the grid goes on.
 */
public class DivergenceException extends RuntimeException {
    /**
     * How many times the cross-entropy of a uniform guess (ln of the number of classes) a training loss may reach.
     * A network that guesses gets ln C (2.3 for 10 classes); one that is confidently wrong on every example of a
     * batch by a margin of m logits gets about m, so a loss of 1000 ln C means logits thousands apart: the weights
     * have run away (a learning rate far too large, a penalty that swamps the loss), even while the number is finite.
     */
    public static final double GROWTH_LIMIT = 1000;

    public DivergenceException(String message) {
        super(message);
    }

    /** The loss above which training counts as diverged, for a classifier of {@code classes} outputs. */
    public static double limit(int classes) {
        return GROWTH_LIMIT * Math.log(Math.max(2, classes));
    }

    /** Throws when {@code loss} (the mean cross-entropy of a batch) is not finite or above {@link #limit}. */
    public static void check(double loss, int classes, String where, double lr) {
        if (!Double.isFinite(loss)) {
            throw new DivergenceException(where + ": loss is " + loss + " (learning rate " + lr + ")");
        }
        if (loss > limit(classes)) {
            throw new DivergenceException(String.format(java.util.Locale.ROOT, "%s: loss is %.4g, %s times the "
                    + "%.3f of a uniform guess over %d classes (learning rate %s): training diverged (the limit is "
                    + "%.0f times)", where, loss, times(loss / Math.log(Math.max(2, classes))),
                    Math.log(Math.max(2, classes)), classes, lr, GROWTH_LIMIT));
        }
    }

    /** A ratio as a person reads it: 1,234 up to a million, then 3.6e+30 (not 31 digits of which 16 mean something). */
    static String times(double ratio) {
        return String.format(java.util.Locale.ROOT, ratio < 1e6 ? "%,.0f" : "%.1e", ratio);
    }
}
