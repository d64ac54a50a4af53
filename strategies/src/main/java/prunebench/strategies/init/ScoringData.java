package prunebench.strategies.init;

import java.util.List;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;

/**
 * The training examples a data-driven score at init sees. By default ({@code batches: auto}) a class-balanced
 * sample of {@code samples_per_class} examples of every class (10), the first of each class in the seed's shuffled
 * order, as the GraSP reference's {@code GraSP_fetch_data} (its CIFAR configs use 10 per class), in batches of the
 * run's batch size (one batch for 10 classes up to batch 100). {@code batches: N} instead takes the first N whole
 * shuffled batches of the run's batch size (Synaptic-Flow's prune loader takes 10 x classes random examples, not
 * class-balanced).
 */
final class ScoringData {
    static final String KEY = "batches";
    static final String AUTO = "auto";
    static final String SAMPLES_PER_CLASS = "samples_per_class";
    static final int EXAMPLES_PER_CLASS = 10;

    private ScoringData() {}

    /** Whole shuffled batches to take, or 0 for the class-balanced sample ({@code batches: auto}). */
    static int count(StrategyOptions options) {
        Object raw = options.raw(KEY);
        if (AUTO.equals(raw)) {
            return 0;
        }
        Integer n = raw instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue()) ? num.intValue()
                : raw instanceof String text && text.matches("\\d{1,9}") ? Integer.valueOf(text) : null;
        if (n == null || n < 1) {
            throw new ConfigException("strategy '" + options.strategy() + "': parameter '" + KEY
                    + "' must be a positive integer or '" + AUTO + "', got '" + raw + "'");
        }
        return n;
    }

    static int samplesPerClass(StrategyOptions options) {
        int n = options.getInt(SAMPLES_PER_CLASS);
        if (n < 1) {
            throw new ConfigException("strategy '" + options.strategy() + "': parameter '" + SAMPLES_PER_CLASS
                    + "' must be a positive integer, got " + n);
        }
        return n;
    }

    /** Checks both keys at planning time. */
    static void validate(StrategyOptions options) {
        count(options);
        samplesPerClass(options);
    }

    static List<BatchLoader.Batch> batches(PruningContext context) {
        int size = context.batchSize();
        int count = count(context.options());
        return count == 0 ? context.classBalanced(samplesPerClass(context.options()), size)
                : context.batches(count, size);
    }
}
