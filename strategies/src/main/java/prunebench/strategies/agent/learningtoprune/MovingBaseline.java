package prunebench.strategies.agent.learningtoprune;

/**
 * The REINFORCE baseline: an exponential moving average of the episodes' mean rewards, b <- d b + (1 - d) mean(R).
 * An episode's advantages R_i - b use the baseline from before its own update; the first episode, with no history,
 * starts the average at its own mean reward (so its advantages are centred).
 */
final class MovingBaseline {
    private final double decay;
    private double value = Double.NaN;

    MovingBaseline(double decay) {
        this.decay = decay;
    }

    /** The advantages of one episode's rewards, then the baseline updated by their mean. */
    double[] advantages(double[] rewards) {
        double mean = 0;
        for (double r : rewards) {
            mean += r;
        }
        mean /= rewards.length;
        if (Double.isNaN(value)) {
            value = mean;
        }
        double[] out = new double[rewards.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = rewards[i] - value;
        }
        value = decay * value + (1 - decay) * mean;
        return out;
    }

    /** The current baseline (NaN before the first episode). */
    double value() {
        return value;
    }
}
