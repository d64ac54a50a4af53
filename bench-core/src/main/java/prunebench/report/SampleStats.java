package prunebench.report;

import java.util.Arrays;

/**
 * Mean, sample standard deviation (n-1) and the half-width of the 95% Student t confidence interval of the mean.
 * NaN inputs (missing values) are ignored; std and ci95 are NaN when fewer than two values remain.
 */
record SampleStats(int n, double mean, double std, double ci95) {

    static SampleStats of(double... values) {
        double[] xs = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
        int n = xs.length;
        if (n == 0) {
            return new SampleStats(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = Arrays.stream(xs).sum() / n;
        if (n == 1) {
            return new SampleStats(1, mean, Double.NaN, Double.NaN);
        }
        // Two passes: the textbook one-pass formula cancels badly for accuracies that differ in the 4th digit.
        double ss = Arrays.stream(xs).map(x -> (x - mean) * (x - mean)).sum();
        double std = Math.sqrt(ss / (n - 1));
        return new SampleStats(n, mean, std, halfWidth95(std, n));
    }

    /** t(0.975, n-1) * s / sqrt(n). */
    static double halfWidth95(double std, int n) {
        return n < 2 ? Double.NaN : StudentT.quantile(0.975, n - 1) * std / Math.sqrt(n);
    }
}
