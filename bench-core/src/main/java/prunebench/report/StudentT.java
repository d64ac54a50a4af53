package prunebench.report;

/** Student's t distribution with {@code df} degrees of freedom (real, positive), via the incomplete beta function. */
final class StudentT {
    private StudentT() {}

    /** P(T <= t). */
    static double cdf(double t, double df) {
        checkDf(df);
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        if (Double.isInfinite(t)) {
            return t > 0 ? 1 : 0;
        }
        double tail = 0.5 * twoSidedP(t, df);
        return t > 0 ? 1 - tail : tail;
    }

    /** P(|T| >= |t|): the two-sided p-value of a t statistic. Computed directly so that tiny p-values keep precision. */
    static double twoSidedP(double t, double df) {
        checkDf(df);
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        if (Double.isInfinite(t)) {
            return 0;
        }
        return IncompleteBeta.regularized(df / (df + t * t), df / 2, 0.5);
    }

    /**
     * The p-quantile. Bisection on the upper tail: the tail is monotone, so this cannot diverge the way Newton can
     * for 1 or 2 degrees of freedom, and 100 halvings of the bracket are far below the 1e-4 we need.
     */
    static double quantile(double p, double df) {
        checkDf(df);
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p must be in (0, 1): " + p);
        }
        if (p == 0.5) {
            return 0;
        }
        if (p < 0.5) {
            return -quantile(1 - p, df);
        }
        double tail = 2 * (1 - p); // two-sided tail mass beyond the quantile
        double lo = 0;
        double hi = 1;
        while (twoSidedP(hi, df) > tail) {
            lo = hi;
            hi *= 2;
        }
        for (int i = 0; i < 100 && hi - lo > 1e-13 * hi; i++) {
            double mid = 0.5 * (lo + hi);
            if (twoSidedP(mid, df) > tail) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    private static void checkDf(double df) {
        if (!(df > 0)) {
            throw new IllegalArgumentException("degrees of freedom must be positive: " + df);
        }
    }
}
