package prunebench.strategies.init;

import java.util.List;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;

/**
 * The training batches a data-driven score at init sees: {@code batches} batches of the run's batch size, or with
 * {@code batches: auto} just enough for ten examples per class, as Synaptic-Flow's prune loader
 * ({@code prune_dataset_ratio} = 10): ceil(10 * classes / batch size).
 */
final class ScoringData {
    static final String KEY = "batches";
    static final String AUTO = "auto";
    static final int EXAMPLES_PER_CLASS = 10;

    private ScoringData() {}

    static int count(StrategyOptions options, int numClasses, int batchSize) {
        Object raw = options.raw(KEY);
        if (AUTO.equals(raw)) {
            return Math.max(1, (EXAMPLES_PER_CLASS * numClasses + batchSize - 1) / batchSize);
        }
        if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= 1) {
            return n.intValue();
        }
        throw new ConfigException("strategy '" + options.strategy() + "': parameter '" + KEY
                + "' must be a positive integer or '" + AUTO + "', got '" + raw + "'");
    }

    static List<BatchLoader.Batch> batches(PruningContext context) {
        int size = context.batchSize();
        return context.batches(count(context.options(), context.numClasses(), size), size);
    }
}
