package prunebench.report;

import org.apache.commons.math3.distribution.TDistribution;

/** Student's t distribution with {@code df} degrees of freedom (real, positive): commons-math3's, with checks. */
final class StudentT {
    /** The quantile solver's absolute accuracy; commons-math3's default (1e-9) is coarser than a report needs. */
    private static final double QUANTILE_ACCURACY = 1e-13;

    private StudentT() {}

    /** P(T <= t). */
    static double cdf(double t, double df) {
        return t(df).cumulativeProbability(t);
    }

    /**
     * P(|T| >= |t|): the two-sided p-value of a t statistic, as twice the lower tail of -|t|, which keeps tiny
     * p-values precise (1 - cdf(|t|) would round them to 0).
     */
    static double twoSidedP(double t, double df) {
        TDistribution dist = t(df);
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        return Math.min(1, 2 * dist.cumulativeProbability(-Math.abs(t)));
    }

    /** The p-quantile. */
    static double quantile(double p, double df) {
        TDistribution dist = t(df);
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p must be in (0, 1): " + p);
        }
        return p == 0.5 ? 0 : dist.inverseCumulativeProbability(p);
    }

    private static TDistribution t(double df) {
        if (!(df > 0)) {
            throw new IllegalArgumentException("degrees of freedom must be positive: " + df);
        }
        return new TDistribution(null, df, QUANTILE_ACCURACY); // no random generator: we never sample
    }
}
