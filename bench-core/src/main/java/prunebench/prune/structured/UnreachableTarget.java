package prunebench.prune.structured;

import java.util.Locale;
import prunebench.config.ConfigException;
import prunebench.prune.StrategyOptions;

/**
 * The configuration errors of a structured target that cannot be met: they say how far the network can go under the
 * guards, so that the user can pick a target or {@code min_channels} that works. Thrown before anything is pruned
 * where that is known up front.
 */
final class UnreachableTarget {
    private UnreachableTarget() {}

    /** The target is beyond what keeping {@code minimum} channels per group gives. */
    static ConfigException of(ChannelBudget budget, int[] minimum, double target, StrategyOptions options,
            String model, int layers) {
        return of(budget, budget.dense() / budget.cost(minimum), target, options, model, layers);
    }

    /** The target is beyond {@code best}, the most the guards allow (a compression or a speedup). */
    static ConfigException of(ChannelBudget budget, double best, double target, StrategyOptions options,
            String model, int layers) {
        boolean speedup = budget.measure() == ChannelBudget.Measure.MULTIPLY_ADDS;
        return new ConfigException(String.format(Locale.ROOT, "%s %s is unreachable by structured pruning of %s: "
                + "keeping min_channels (%s) in each of its %d prunable layers gives at most %.2f; lower the target "
                + "or min_channels", speedup ? "speedup" : "compression", fmt(target), model,
                fmt(options.getDouble(StructuredStrategy.MIN_CHANNELS)), layers, best));
    }

    /** The compression is beyond removing the same fraction of every layer's channels. */
    static ConfigException layerwise(double compression, String model) {
        return new ConfigException(String.format(Locale.ROOT, "compression %s is unreachable by removing the same "
                + "fraction of every layer's channels of %s", fmt(compression), model));
    }

    /** A whole number without a decimal point (as the user wrote it in YAML), anything else as Java prints it. */
    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
