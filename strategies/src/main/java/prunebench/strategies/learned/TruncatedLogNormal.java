package prunebench.strategies.learned;

/**
 * The log-normal LogN(mu, sigma^2) truncated to log theta in [a, b] (structured Bayesian pruning's posterior), in
 * doubles: its mean, variance, signal-to-noise ratio and its KL divergence from the log-uniform prior on [a, b].
 * With alpha = (a - mu) / sigma, beta = (b - mu) / sigma and Z = Phi(beta) - Phi(alpha):
 *
 * <ul>
 *   <li>E theta = exp(mu + sigma^2 / 2) (Phi(beta - sigma) - Phi(alpha - sigma)) / Z,
 *   <li>E theta^2 = exp(2 mu + 2 sigma^2) (Phi(beta - 2 sigma) - Phi(alpha - 2 sigma)) / Z,
 *   <li>KL = log(b - a) - log(sqrt(2 pi e) sigma) - log Z - (alpha phi(alpha) - beta phi(beta)) / (2 Z).
 * </ul>
 *
 * The Phi differences are written with erfcx(x) = exp(x^2) erfc(x) (Phi(beta - k sigma) = erfcx((k sigma - beta) /
 * sqrt 2) exp(-(k sigma - beta)^2 / 2) / 2, the exponent folded with exp(k mu + k^2 sigma^2 / 2)), as the authors'
 * {@code mean_truncated_log_normal_reduced} and {@code snr_truncated_log_normal} do: the plain form overflows
 * exp(mu + sigma^2 / 2) times an underflowing Phi difference once sigma is large. The SNR is E theta / sqrt(Var
 * theta) with exp(-mu) taken out of both, again as the reference. These are the test-time and scoring values, not
 * differentiated; the training graph's KL is {@link SbpGates#kl}.
 */
final class TruncatedLogNormal {
    private static final double SQRT2 = Math.sqrt(2);

    private TruncatedLogNormal() {}

    /**
     * erfcx(x) = exp(x^2) erfc(x) to about 1e-14 relative: for 0 &lt;= x &lt; 2, exp(x^2) - (2 / sqrt pi) sum_n 2^n
     * x^(2n+1) / (2n+1)!! (erf's series of positive terms); for x &gt;= 2 the continued fraction erfc(x) = exp(-x^2) /
     * sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))), 300 levels from the bottom; for x &lt; 0, 2 exp(x^2)
     * - erfcx(-x). The variance of a narrow posterior is a difference of two numbers near E theta^2 (SNR 250 at
     * sigma = e^-5): a 1e-7 fit would leave it a percent off.
     */
    static double erfcx(double x) {
        if (x < 0) {
            return 2 * Math.exp(x * x) - erfcx(-x);
        }
        if (x < 2) {
            double sum = 0;
            double term = x;
            for (int n = 1; n <= 200; n++) {
                sum += term;
                term *= 2 * x * x / (2 * n + 1);
            }
            return Math.exp(x * x) - 2 / Math.sqrt(Math.PI) * sum;
        }
        double f = x;
        for (int n = 300; n >= 1; n--) {
            f = x + (n / 2.0) / f;
        }
        return 1 / (Math.sqrt(Math.PI) * f);
    }

    /** erfc(x), from {@link #erfcx} (accurate in the tails, where 1 - erf(x) cancels). */
    static double erfc(double x) {
        return x >= 0 ? erfcx(x) * Math.exp(-x * x) : 2 - erfcx(-x) * Math.exp(-x * x);
    }

    /** The standard normal CDF. */
    static double phi(double x) {
        return 0.5 * erfc(-x / SQRT2);
    }

    /** Phi(beta) - Phi(alpha), alpha &lt;= beta, from the tail that keeps its precision. */
    static double mass(double alpha, double beta) {
        if (alpha >= 0) {
            return 0.5 * (erfc(alpha / SQRT2) - erfc(beta / SQRT2));
        }
        if (beta <= 0) {
            return 0.5 * (erfc(-beta / SQRT2) - erfc(-alpha / SQRT2));
        }
        return 1 - 0.5 * erfc(-alpha / SQRT2) - 0.5 * erfc(beta / SQRT2);
    }

    /** 2 Z exp(-k mu) E theta^k, k = 1 or 2: the reduced numerators. */
    private static double moment(int k, double mu, double sigma, double a, double b) {
        return edge(k, mu, sigma, b) - edge(k, mu, sigma, a);
    }

    /**
     * 2 exp(k^2 sigma^2 / 2) Phi(beta - k sigma), beta = (edge - mu) / sigma, as erfcx(x) exp(e), x = (k sigma
     * - beta) / sqrt 2, e = k (edge - mu) - beta^2 / 2. For x &lt; 0 erfcx(x) = 2 exp(x^2) -
     * erfcx(-x) would overflow (beta in the thousands at sigma = e^-5), and x^2 + e = k^2 sigma^2 / 2 exactly, so
     * that part is taken as 2 exp(k^2 sigma^2 / 2).
     */
    private static double edge(int k, double mu, double sigma, double edge) {
        double beta = (edge - mu) / sigma;
        double x = (k * sigma - beta) / SQRT2;
        double e = k * (edge - mu) - beta * beta / 2;
        if (x >= 0) {
            return erfcx(x) * Math.exp(e);
        }
        return 2 * Math.exp(k * k * sigma * sigma / 2) - erfcx(-x) * Math.exp(e);
    }

    private static double z(double mu, double sigma, double a, double b) {
        return mass((a - mu) / sigma, (b - mu) / sigma);
    }

    /** E theta. */
    static double mean(double mu, double sigma, double a, double b) {
        return Math.exp(mu) * moment(1, mu, sigma, a, b) / (2 * z(mu, sigma, a, b));
    }

    /** Var theta = E theta^2 - (E theta)^2. */
    static double variance(double mu, double sigma, double a, double b) {
        double z = z(mu, sigma, a, b);
        double m1 = moment(1, mu, sigma, a, b) / (2 * z);
        double m2 = moment(2, mu, sigma, a, b) / (2 * z);
        return Math.exp(2 * mu) * (m2 - m1 * m1);
    }

    /** E theta / sqrt(Var theta), exp(mu) cancelled. */
    static double snr(double mu, double sigma, double a, double b) {
        double z = z(mu, sigma, a, b);
        double r = moment(1, mu, sigma, a, b);
        double d = 2 * z * moment(2, mu, sigma, a, b) - r * r;
        return r / Math.sqrt(d);
    }

    /** KL(q || log-uniform on [a, b]), q the truncated normal of log theta. */
    static double kl(double mu, double sigma, double a, double b) {
        double alpha = (a - mu) / sigma;
        double beta = (b - mu) / sigma;
        double z = mass(alpha, beta);
        return Math.log(b - a) - Math.log(Math.sqrt(2 * Math.PI * Math.E) * sigma) - Math.log(z)
                - (alpha * density(alpha) - beta * density(beta)) / (2 * z);
    }

    /** The standard normal density. */
    static double density(double x) {
        return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    }
}
