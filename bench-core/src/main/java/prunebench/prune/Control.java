package prunebench.prune;

import java.util.Locale;
import prunebench.config.ConfigException;

/**
 * The sanity checks of Frankle et al. 2021 ("Pruning neural networks at initialization: why are we missing the
 * mark?"), the strategy parameter {@code control}: what is left of a strategy's choice when its masks are
 * shuffled within each layer (only the per-layer densities remain), when the kept weights are re-initialised
 * (only the masks remain), or when the lowest scores are kept instead of the highest.
 */
public enum Control {
    NONE, SHUFFLE, REINIT, INVERT;

    public static final String KEY = "control";

    public static Control of(StrategyOptions options) {
        if (!options.has(KEY)) {
            return NONE;
        }
        String v = options.getString(KEY);
        try {
            return valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("strategy '" + options.strategy() + "': control must be one of none, shuffle,"
                    + " reinit, invert, got '" + v + "'");
        }
    }
}
