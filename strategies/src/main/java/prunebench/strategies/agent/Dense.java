package prunebench.strategies.agent;

import java.util.Random;

/**
 * A fully connected layer y = W x + b in double precision with its gradients and Adam moments, for the small actor
 * and critic of {@link Ddpg}: plain arrays rather than DJL, so that the agent's arithmetic is exact, the same on every
 * machine and cheap at 10 inputs and 300 hidden units. Starts as PyTorch's {@code nn.Linear} does: weights and biases
 * uniform in +-1/sqrt(in).
 */
final class Dense {
    final int in;
    final int out;
    /** Row-major (out, in). */
    final double[] w;
    final double[] b;
    final double[] gw;
    final double[] gb;
    private final double[] mw;
    private final double[] vw;
    private final double[] mb;
    private final double[] vb;

    Dense(int in, int out, Random random) {
        this(in, out);
        double bound = 1.0 / Math.sqrt(in);
        for (int i = 0; i < w.length; i++) {
            w[i] = (random.nextDouble() * 2 - 1) * bound;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (random.nextDouble() * 2 - 1) * bound;
        }
    }

    /** All zeros (tests set the values by hand). */
    Dense(int in, int out) {
        this.in = in;
        this.out = out;
        w = new double[in * out];
        b = new double[out];
        gw = new double[w.length];
        gb = new double[out];
        mw = new double[w.length];
        vw = new double[w.length];
        mb = new double[out];
        vb = new double[out];
    }

    /** y[n] = W x[n] + b for each row of the batch. */
    double[][] forward(double[][] x) {
        double[][] y = new double[x.length][out];
        for (int n = 0; n < x.length; n++) {
            double[] xn = x[n];
            double[] yn = y[n];
            for (int o = 0; o < out; o++) {
                double s = b[o];
                int row = o * in;
                for (int i = 0; i < in; i++) {
                    s += w[row + i] * xn[i];
                }
                yn[o] = s;
            }
        }
        return y;
    }

    /** Adds dL/dW and dL/db for the batch to the gradients and returns dL/dx. */
    double[][] backward(double[][] x, double[][] dy) {
        double[][] dx = new double[x.length][in];
        for (int n = 0; n < x.length; n++) {
            double[] xn = x[n];
            double[] dxn = dx[n];
            for (int o = 0; o < out; o++) {
                double g = dy[n][o];
                if (g == 0) {
                    continue;
                }
                gb[o] += g;
                int row = o * in;
                for (int i = 0; i < in; i++) {
                    gw[row + i] += g * xn[i];
                    dxn[i] += g * w[row + i];
                }
            }
        }
        return dx;
    }

    void zeroGrad() {
        java.util.Arrays.fill(gw, 0);
        java.util.Arrays.fill(gb, 0);
    }

    /** One step of PyTorch's Adam (betas 0.9, 0.999, eps 1e-8, no weight decay); {@code t} counts from 1. */
    void adam(double lr, int t) {
        adam(w, gw, mw, vw, lr, t);
        adam(b, gb, mb, vb, lr, t);
    }

    private static void adam(double[] p, double[] g, double[] m, double[] v, double lr, int t) {
        double c1 = 1 - Math.pow(0.9, t);
        double c2 = Math.sqrt(1 - Math.pow(0.999, t));
        for (int i = 0; i < p.length; i++) {
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
            p[i] -= lr / c1 * m[i] / (Math.sqrt(v[i]) / c2 + 1e-8);
        }
    }

    /** target = target (1 - tau) + source tau, the code's {@code soft_update}. */
    void softUpdateFrom(Dense source, double tau) {
        for (int i = 0; i < w.length; i++) {
            w[i] = w[i] * (1 - tau) + source.w[i] * tau;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = b[i] * (1 - tau) + source.b[i] * tau;
        }
    }

    void copyFrom(Dense source) {
        System.arraycopy(source.w, 0, w, 0, w.length);
        System.arraycopy(source.b, 0, b, 0, b.length);
    }

    static double[][] relu(double[][] x) {
        double[][] y = new double[x.length][];
        for (int n = 0; n < x.length; n++) {
            y[n] = new double[x[n].length];
            for (int i = 0; i < y[n].length; i++) {
                y[n][i] = Math.max(0, x[n][i]);
            }
        }
        return y;
    }

    /** dL/dx of y = relu(x): dy where x > 0. */
    static double[][] reluBackward(double[][] x, double[][] dy) {
        double[][] dx = new double[x.length][];
        for (int n = 0; n < x.length; n++) {
            dx[n] = new double[x[n].length];
            for (int i = 0; i < dx[n].length; i++) {
                dx[n][i] = x[n][i] > 0 ? dy[n][i] : 0;
            }
        }
        return dx;
    }
}
