package prunebench.strategies.dynamic;

import prunebench.config.ConfigException;
import prunebench.prune.StrategyOptions;

/**
 * When the masks are rewired and how much: every {@code interval} optimizer steps while fewer than {@code endStep}
 * steps are done, a fraction f(t) = f0/2 * (1 + cos(pi t / endStep)) of each tensor's active weights is dropped
 * (RigL's cosine decay; f reaches 0 at endStep, so updating there would change nothing).
 *
 * @param initialFraction f0, the fraction dropped at t = 0
 * @param interval        optimizer steps between updates
 * @param endStep         the step from which the masks stay fixed
 */
record DropSchedule(double initialFraction, int interval, int endStep) {
    static final String DROP_FRACTION = "drop_fraction";
    static final String UPDATE_INTERVAL = "update_interval";
    static final String END_FRACTION = "end_fraction";

    /** The schedule for a stage of {@code totalSteps} optimizer steps. */
    static DropSchedule of(StrategyOptions options, int totalSteps) {
        validate(options);
        int end = (int) Math.floor(options.getDouble(END_FRACTION) * totalSteps);
        return new DropSchedule(options.getDouble(DROP_FRACTION), options.getInt(UPDATE_INTERVAL), end);
    }

    /** Rejects options no schedule can use, naming the strategy and the parameter. */
    static void validate(StrategyOptions options) {
        double f0 = options.getDouble(DROP_FRACTION);
        if (!(f0 >= 0 && f0 <= 1)) {
            throw new ConfigException("strategy '" + options.strategy() + "': " + DROP_FRACTION
                    + " must be in [0, 1], got " + f0);
        }
        int interval = options.getInt(UPDATE_INTERVAL);
        if (interval < 1) {
            throw new ConfigException("strategy '" + options.strategy() + "': " + UPDATE_INTERVAL
                    + " must be >= 1, got " + interval);
        }
        double end = options.getDouble(END_FRACTION);
        if (!(end > 0 && end <= 1)) {
            throw new ConfigException("strategy '" + options.strategy() + "': " + END_FRACTION
                    + " must be in (0, 1], got " + end);
        }
    }

    /** Whether the masks are updated after optimizer step {@code step} (1-based: steps done so far). */
    boolean updatesAt(int step) {
        return step > 0 && step < endStep && step % interval == 0;
    }

    /** f(step), the fraction of active weights each tensor drops at that step. */
    double fraction(int step) {
        if (endStep <= 0) {
            return 0;
        }
        return initialFraction / 2 * (1 + Math.cos(Math.PI * Math.min(step, endStep) / endStep));
    }
}
