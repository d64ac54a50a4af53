package prunebench.strategies.structured;

/**
 * The LASSO of channel pruning (He et al. 2017, eq. 3), in scikit-learn's scaling, from the Gram form of the
 * problem: minimise {@code (1 / 2m) ||y - A beta||^2 + alpha ||beta||_1} over beta, given {@code G = A^T A},
 * {@code c = A^T y} and {@code m}, the rows of A (samples x output channels in channel pruning, where column i of A
 * is channel i's contribution to the layer's output). Cyclic coordinate descent with soft thresholding: each
 * coordinate's update needs only G and c, so the (m x channels) matrix A is never formed. No intercept (the paper's
 * form; the authors' scikit-learn {@code Lasso} fits one).
 */
final class Lasso {
    private Lasso() {}

    /**
     * The solution at {@code alpha}, starting from {@code start} (a warm start along a path; not modified) and
     * sweeping all coordinates until the largest change of a coefficient in a sweep is at most {@code tol} times the
     * largest coefficient, or {@code maxSweeps} sweeps. A coordinate with {@code G[j][j] == 0} (a channel that is
     * always zero) stays 0.
     */
    static double[] solve(double[][] gram, double[] xty, double m, double alpha, double[] start, int maxSweeps,
            double tol) {
        int n = xty.length;
        double[] beta = start == null ? new double[n] : start.clone();
        double threshold = m * alpha;
        double[] gb = new double[n]; // G beta, updated as coefficients change: a sweep costs n per change
        for (int k = 0; k < n; k++) {
            if (beta[k] != 0) {
                for (int j = 0; j < n; j++) {
                    gb[j] += gram[j][k] * beta[k];
                }
            }
        }
        for (int sweep = 0; sweep < maxSweeps; sweep++) {
            double maxChange = 0;
            double maxBeta = 0;
            for (int j = 0; j < n; j++) {
                double gjj = gram[j][j];
                double updated = 0;
                if (gjj > 0) {
                    // c_j - sum_{k != j} G_jk beta_k: the correlation of column j with the residual without j
                    double rho = xty[j] - gb[j] + gjj * beta[j];
                    updated = softThreshold(rho, threshold) / gjj;
                }
                double change = updated - beta[j];
                if (change != 0) {
                    for (int i = 0; i < n; i++) {
                        gb[i] += gram[i][j] * change;
                    }
                    beta[j] = updated;
                }
                maxChange = Math.max(maxChange, Math.abs(change));
                maxBeta = Math.max(maxBeta, Math.abs(updated));
            }
            if (maxChange <= tol * maxBeta) {
                break;
            }
        }
        return beta;
    }

    /** The smallest alpha at which every coefficient is 0: max_j |c_j| / m. */
    static double alphaMax(double[] xty, double m) {
        double max = 0;
        for (double v : xty) {
            max = Math.max(max, Math.abs(v));
        }
        return max / m;
    }

    /**
     * Channel scores from the LASSO path: alpha decreasing geometrically from {@link #alphaMax} to
     * {@code ratio * alphaMax} over {@code alphas} values, each solved warm-started from the previous, a channel
     * scoring by how early (how large an alpha) it first becomes nonzero: the channels that survive the largest
     * alpha are the ones the paper's search (increase alpha until ||beta||_0 <= c') keeps, whatever c'. The score of
     * a channel first nonzero at grid point k (k = 1 .. alphas - 1) is {@code (alphas - k + t) / alphas}, with
     * {@code t} in [0, 1) its |beta| there over the largest |beta| of the channels entering at that point (the one
     * entering strongest ranks first); a channel never nonzero scores {@code t / alphas} with t its |c_j| over the
     * largest such (0 for a channel that is always zero). So scores lie in [0, 1] and compare across layers as
     * log(alpha at entry / alpha max) does.
     */
    static double[] pathScores(double[][] gram, double[] xty, double m, int alphas, double ratio) {
        int n = xty.length;
        double[] scores = new double[n];
        int[] entry = new int[n];
        java.util.Arrays.fill(entry, alphas);
        double[] atEntry = new double[n];
        double top = alphaMax(xty, m);
        if (top == 0) {
            return scores;
        }
        double[] beta = new double[n];
        int remaining = n;
        for (int k = 1; k < alphas && remaining > 0; k++) {
            double alpha = top * Math.pow(ratio, (double) k / (alphas - 1));
            beta = solve(gram, xty, m, alpha, beta, 1000, 1e-6);
            for (int j = 0; j < n; j++) {
                if (entry[j] == alphas && beta[j] != 0) {
                    entry[j] = k;
                    atEntry[j] = Math.abs(beta[j]);
                    remaining--;
                }
            }
        }
        for (int j = 0; j < n; j++) {
            if (entry[j] == alphas) {
                atEntry[j] = gram[j][j] > 0 ? Math.abs(xty[j]) : 0;
            }
        }
        for (int j = 0; j < n; j++) {
            double largest = 0;
            for (int i = 0; i < n; i++) {
                if (entry[i] == entry[j]) {
                    largest = Math.max(largest, atEntry[i]);
                }
            }
            double t = largest > 0 ? 0.999 * atEntry[j] / largest : 0;
            scores[j] = (alphas - entry[j] + t) / alphas;
        }
        return scores;
    }

    static double softThreshold(double x, double t) {
        return x > t ? x - t : x < -t ? x + t : 0;
    }
}
