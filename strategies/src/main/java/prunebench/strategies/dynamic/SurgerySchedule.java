package prunebench.strategies.dynamic;

import java.util.Random;
import prunebench.config.ConfigException;
import prunebench.prune.StrategyOptions;
import prunebench.util.Seeds;

/**
 * When network surgery updates its masks: an update is considered every {@code every} steps until
 * {@code endFraction} of the stage and made with probability (1 + gamma * iter)^-power (the reference stops at an
 * absolute {@code iter_stop} instead).
 */
record SurgerySchedule(double gamma, double power, int every, double endFraction) {
    static SurgerySchedule of(StrategyOptions o) {
        return new SurgerySchedule(o.getDouble("gamma"), o.getDouble("power"), o.getInt("every"),
                o.getDouble("end_fraction"));
    }

    /** Rejects a negative gamma or power, every below 1 and end_fraction outside (0, 1]. */
    static void validate(StrategyOptions o) {
        if (!(o.getDouble("gamma") >= 0) || !(o.getDouble("power") >= 0)) {
            throw new ConfigException("gamma and power must be >= 0, got " + o.getDouble("gamma") + " and "
                    + o.getDouble("power"));
        }
        if (o.getInt("every") < 1) {
            throw new ConfigException("every must be >= 1, got " + o.getInt("every"));
        }
        double end = o.getDouble("end_fraction");
        if (!(end > 0 && end <= 1)) {
            throw new ConfigException("end_fraction must be in (0, 1], got " + end);
        }
    }

    /** The probability that the masks are updated at iteration {@code iter}: (1 + gamma * iter)^-power. */
    static double probability(double gamma, double power, int iter) {
        return Math.pow(1 + gamma * iter, -power);
    }

    /**
     * Whether the masks are updated once {@code done} of the stage's {@code totalSteps} steps are done; the draw of
     * each step comes from the run's seed and the step alone.
     */
    boolean updatesAfter(int done, int totalSteps, long seed) {
        boolean considered = done < (int) Math.floor(endFraction * totalSteps) && done % every == 0;
        return considered && new Random(Seeds.derive(seed, "network_surgery/" + done)).nextDouble()
                < probability(gamma, power, done);
    }
}
