package prunebench.strategies.learned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The truncated log-normal's moments, SNR and KL against values computed independently: with scipy 1.17
 * ({@code stats.truncnorm(alpha, beta, loc=mu, scale=sigma)}, E theta^k by {@code integrate.quad} of exp(k x) times
 * its pdf over [a, b], KL = log(b - a) - its {@code entropy()}), and by Simpson's rule here.
 */
class TruncatedLogNormalTest {
    private static final double SIGMA_INIT = Math.exp(-5);

    private static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-6 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void meanVarianceSnrAndKlMatchScipy() {
        // mu, sigma, a, b, E, Var, SNR, KL
        double[][] cases = {
            {-1.0, 0.5, -20, 0, 0.39806875144840176, 0.033640950141049536, 2.1703209365911182, 2.348201692917217},
            {0.3, 1.0, -20, 0, 0.5638311450642667, 0.059982229167508894, 2.3021719653452677, 2.389171663189396},
            {-2.0, 2.0, -20, 0, 0.18857341734506022, 0.052040227328187125, 0.8266294600733035, 1.2002003242824122},
            {0.0, SIGMA_INIT, -20, 0, 0.9946465149814642, 1.6255563418887675e-05, 246.69920611253707,
                7.269940920909264},
            {-3, 1.5, -6, -1, 0.07504434402232218, 0.006403267272277827, 0.9378149482619981, 0.09036745778336086},
        };
        for (double[] c : cases) {
            String at = "mu " + c[0] + " sigma " + c[1] + " on [" + c[2] + ", " + c[3] + "]";
            close(c[4], TruncatedLogNormal.mean(c[0], c[1], c[2], c[3]), "E " + at);
            assertEquals(c[5], TruncatedLogNormal.variance(c[0], c[1], c[2], c[3]), 1e-6 * c[5], "Var " + at);
            close(c[6], TruncatedLogNormal.snr(c[0], c[1], c[2], c[3]), "SNR " + at);
            close(c[7], TruncatedLogNormal.kl(c[0], c[1], c[2], c[3]), "KL " + at);
        }
    }

    /** E theta^k and the entropy by Simpson's rule over [a, b] (the normal pdf renormalised numerically). */
    private static double[] simpson(double mu, double sigma, double a, double b) {
        int n = 200_000;
        double h = (b - a) / n;
        double z = 0;
        double m1 = 0;
        double m2 = 0;
        double plogp = 0;
        for (int i = 0; i <= n; i++) {
            double x = a + i * h;
            double weight = i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2;
            double p = Math.exp(-(x - mu) * (x - mu) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
            z += weight * p;
            m1 += weight * p * Math.exp(x);
            m2 += weight * p * Math.exp(2 * x);
            plogp += p > 0 ? weight * p * Math.log(p) : 0;
        }
        z *= h / 3;
        m1 *= h / 3 / z;
        m2 *= h / 3 / z;
        double entropy = -(plogp * h / 3 / z - Math.log(z));
        return new double[] {m1, m2 - m1 * m1, Math.log(b - a) - entropy};
    }

    @Test
    void wideAndNarrowPosteriorsMatchNumericalIntegration() {
        // a wide posterior whose plain formula multiplies exp(mu + sigma^2 / 2) = e^-7 by a Phi difference, and one
        // pushed against b
        for (double[] c : new double[][] {{-15, 4}, {-0.2, 0.1}, {-8, 0.05}}) {
            double[] expected = simpson(c[0], c[1], -20, 0);
            String at = "mu " + c[0] + " sigma " + c[1];
            assertEquals(expected[0], TruncatedLogNormal.mean(c[0], c[1], -20, 0), 1e-6 * expected[0], "E " + at);
            assertEquals(expected[1], TruncatedLogNormal.variance(c[0], c[1], -20, 0), 1e-5 * expected[1],
                    "Var " + at);
            assertEquals(expected[0] / Math.sqrt(expected[1]), TruncatedLogNormal.snr(c[0], c[1], -20, 0),
                    1e-5 * expected[0] / Math.sqrt(expected[1]), "SNR " + at);
            assertEquals(expected[2], TruncatedLogNormal.kl(c[0], c[1], -20, 0), 1e-5, "KL " + at);
        }
    }

    @Test
    void snrIsScaleFreeAndLargeOnlyForNarrowPosteriors() {
        // a point mass at exp(mu) has no noise; a posterior that fills [a, b] is all noise (the prior's SNR)
        assertTrue(TruncatedLogNormal.snr(-1, 1e-3, -20, 0) > 500);
        double prior = TruncatedLogNormal.snr(-10, 1e4, -20, 0); // ~ log-uniform on [-20, 0]
        // log-uniform on [a, b]: E = (e^b - e^a) / (b - a), E theta^2 = (e^2b - e^2a) / (2 (b - a))
        double e = (1 - Math.exp(-20)) / 20;
        double e2 = (1 - Math.exp(-40)) / 40;
        assertEquals(e / Math.sqrt(e2 - e * e), prior, 1e-4);
    }
}
