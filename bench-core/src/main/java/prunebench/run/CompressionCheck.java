package prunebench.run;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import prunebench.model.Complexity;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.StructuredStrategy;

/**
 * A run whose network ends far from the compression it was asked for does not measure what its row says (e.g. a
 * learned strategy whose gates zeroed many more weights than its masks removed: 30x recorded as 4x). Such a run is
 * recorded as failed, its metrics kept, with the reason; {@link #FACTOR} says how far is too far. Runs whose
 * compression is not a target are not checked: dense controls, and structured strategies that aim at a speed-up or
 * at fixed per-layer fractions.
 */
final class CompressionCheck {
    /** Achieved over target (or target over achieved) above which a run is refused. */
    static final double FACTOR = 2;

    private CompressionCheck() {}

    /**
     * Why {@code spec}'s network, measured as {@code cx} with {@code prunable} prunable weights, misses its target;
     * empty when it does not.
     */
    static Optional<String> problem(RunSpec spec, StrategyAxes axes, Complexity cx, long prunable) {
        if (spec.isDenseControl() || !targetsCompression(axes)) {
            return Optional.empty();
        }
        boolean ofPrunable = prunebench.config.PruningSpec.PRUNABLE.equals(spec.compressionOf());
        double achieved = ofPrunable ? (double) prunable / Math.max(1, cx.paramsNonzero() - (cx.params() - prunable))
                : cx.compression();
        double target = spec.compression();
        if (achieved <= target * FACTOR && achieved >= target / FACTOR) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "the network ends at compression %s%s for a target of %s "
                + "(more than a factor %.0f off: %d of %d parameters nonzero); the row would not measure its target, "
                + "so the run is recorded as failed with its metrics kept", shown(achieved),
                ofPrunable ? " of the prunable weights" : "", ExperimentRunner.fmt(target), FACTOR,
                cx.paramsNonzero(), cx.params()));
    }

    /** Four significant digits without trailing zeros: 10, 30.65. */
    private static String shown(double x) {
        return new java.math.BigDecimal(x).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static boolean targetsCompression(StrategyAxes axes) {
        if (!(axes.scorer() instanceof StructuredStrategy)) {
            return true;
        }
        StrategyOptions o = axes.scorer() == axes.strategy() ? axes.options() : axes.scorerOptions();
        Object target = o.raw(StructuredStrategy.TARGET);
        Object fractions = o.raw(StructuredStrategy.LAYER_FRACTIONS);
        return (target == null || "compression".equals(target))
                && !(fractions instanceof Map<?, ?> m && !m.isEmpty());
    }
}
