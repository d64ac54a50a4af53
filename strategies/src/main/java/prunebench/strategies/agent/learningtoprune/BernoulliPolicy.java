package prunebench.strategies.agent.learningtoprune;

import java.util.Random;

/**
 * One layer's pruning agent: a policy network from the layer's filter weights to a keep probability per filter,
 * pi(a_j = 1 | W) = p_j, the filters' actions independent Bernoulli draws. Two fully connected layers, the form the
 * paper gives for layers with small filters (its larger layers add 7x7 convolutions and pooling in front, not
 * implemented here): p = sigmoid(W2 relu(W1 x + b1) + b2), x the layer's weights (N filters x M weights per filter)
 * flattened, centred and scaled to unit norm ({@link #standardise}). Plain Java in double precision: the agent is
 * small, and its arithmetic must be exactly the same on every machine for a search to repeat from its seed.
 *
 * <p>Trained by REINFORCE: for an episode's M sampled actions A_i with advantages R(A_i) - baseline, the gradient of
 * the expected reward J is estimated by (1 / M) sum_i (R(A_i) - baseline) grad log pi(A_i | W); with log pi(A) =
 * sum_j a_j log p_j + (1 - a_j) log(1 - p_j) and p_j = sigmoid(z_j), d log pi(A) / d z_j = a_j - p_j. The
 * parameters climb it with Adam (PyTorch's update: bias-corrected moments, eps outside the square root).
 */
final class BernoulliPolicy {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    final int inputs;
    final int hidden;
    final int outputs;
    final double[] w1; // hidden x inputs, row-major
    final double[] b1;
    final double[] w2; // outputs x hidden, row-major
    final double[] b2;
    private final double[][] m;
    private final double[][] v;
    private int steps;

    BernoulliPolicy(int inputs, int hidden, int outputs, double[] w1, double[] b1, double[] w2, double[] b2) {
        if (w1.length != hidden * inputs || b1.length != hidden || w2.length != outputs * hidden
                || b2.length != outputs) {
            throw new IllegalArgumentException("policy parameter shapes do not match " + inputs + " -> " + hidden
                    + " -> " + outputs);
        }
        this.inputs = inputs;
        this.hidden = hidden;
        this.outputs = outputs;
        this.w1 = w1;
        this.b1 = b1;
        this.w2 = w2;
        this.b2 = b2;
        double[][] params = {w1, b1, w2, b2};
        this.m = new double[4][];
        this.v = new double[4][];
        for (int k = 0; k < 4; k++) {
            m[k] = new double[params[k].length];
            v[k] = new double[params[k].length];
        }
    }

    /**
     * PyTorch's {@code nn.Linear} initialisation for the weights and the hidden bias (uniform in +-1/sqrt(fan_in));
     * the output bias at logit({@code initialKeep}), so that every filter starts near that keep probability.
     */
    static BernoulliPolicy initialised(int inputs, int hidden, int outputs, double initialKeep, Random random) {
        double[] w1 = uniform(random, hidden * inputs, inputs);
        double[] b1 = uniform(random, hidden, inputs);
        double[] w2 = uniform(random, outputs * hidden, hidden);
        double[] b2 = new double[outputs];
        java.util.Arrays.fill(b2, Math.log(initialKeep / (1 - initialKeep)));
        return new BernoulliPolicy(inputs, hidden, outputs, w1, b1, w2, b2);
    }

    private static double[] uniform(Random random, int n, int fanIn) {
        double bound = 1 / Math.sqrt(fanIn);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = (2 * random.nextDouble() - 1) * bound;
        }
        return out;
    }

    /**
     * The input: the layer's weights centred and scaled to unit L2 norm, (w - mean) / (std sqrt(n)) over all n of
     * them (std 0: all zeros). The scale matters for Adam, whose first steps move every weight by about the learning
     * rate whatever its gradient: a hidden unit's input then moves by lr ||x||_1 per step, which stays below lr
     * sqrt(n) here instead of growing with n (48,000 weights in LeNet-5's fc1).
     */
    static double[] standardise(float[] weights) {
        double mean = 0;
        for (float w : weights) {
            mean += w;
        }
        mean /= weights.length;
        double var = 0;
        for (float w : weights) {
            var += (w - mean) * (w - mean);
        }
        double scale = Math.sqrt(var / weights.length) * Math.sqrt(weights.length);
        double[] out = new double[weights.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = scale > 0 ? (weights[i] - mean) / scale : 0;
        }
        return out;
    }

    private double[] hiddenPre(double[] x) {
        double[] pre = new double[hidden];
        for (int h = 0; h < hidden; h++) {
            double s = b1[h];
            int row = h * inputs;
            for (int i = 0; i < inputs; i++) {
                s += w1[row + i] * x[i];
            }
            pre[h] = s;
        }
        return pre;
    }

    private double[] logits(double[] act) {
        double[] z = new double[outputs];
        for (int j = 0; j < outputs; j++) {
            double s = b2[j];
            for (int h = 0; h < hidden; h++) {
                s += w2[j * hidden + h] * act[h];
            }
            z[j] = s;
        }
        return z;
    }

    private static double[] relu(double[] pre) {
        double[] out = new double[pre.length];
        for (int i = 0; i < pre.length; i++) {
            out[i] = Math.max(0, pre[i]);
        }
        return out;
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** The keep probability of every filter. */
    double[] keepProbabilities(double[] x) {
        double[] z = logits(relu(hiddenPre(x)));
        double[] p = new double[outputs];
        for (int j = 0; j < outputs; j++) {
            p[j] = sigmoid(z[j]);
        }
        return p;
    }

    /** {@code count} actions drawn from {@code p}: a_j = 1 (keep) with probability p_j, filters in order. */
    static boolean[][] sample(double[] p, int count, Random random) {
        boolean[][] out = new boolean[count][p.length];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < p.length; j++) {
                out[i][j] = random.nextDouble() < p[j];
            }
        }
        return out;
    }

    /** The REINFORCE estimate of dJ/dtheta, one array per parameter: w1, b1, w2, b2. */
    double[][] gradient(double[] x, boolean[][] actions, double[] advantages) {
        double[] pre = hiddenPre(x);
        double[] act = relu(pre);
        double[] z = logits(act);
        double[] gz = new double[outputs];
        for (int i = 0; i < actions.length; i++) {
            for (int j = 0; j < outputs; j++) {
                gz[j] += advantages[i] * ((actions[i][j] ? 1 : 0) - sigmoid(z[j]));
            }
        }
        for (int j = 0; j < outputs; j++) {
            gz[j] /= actions.length;
        }
        double[] gw2 = new double[w2.length];
        double[] gh = new double[hidden];
        for (int j = 0; j < outputs; j++) {
            for (int h = 0; h < hidden; h++) {
                gw2[j * hidden + h] = gz[j] * act[h];
                gh[h] += w2[j * hidden + h] * gz[j];
            }
        }
        double[] gb1 = new double[hidden];
        double[] gw1 = new double[w1.length];
        for (int h = 0; h < hidden; h++) {
            if (pre[h] <= 0) {
                continue; // relu's derivative, 0 at 0 as in PyTorch
            }
            gb1[h] = gh[h];
            int row = h * inputs;
            for (int i = 0; i < inputs; i++) {
                gw1[row + i] = gh[h] * x[i];
            }
        }
        return new double[][] {gw1, gb1, gw2.clone(), gz};
    }

    /** One Adam step up {@code gradient} (from {@link #gradient}) with learning rate {@code lr}. */
    void ascend(double[][] gradient, double lr) {
        steps++;
        double c1 = 1 - Math.pow(BETA1, steps);
        double c2 = 1 - Math.pow(BETA2, steps);
        double[][] params = {w1, b1, w2, b2};
        for (int k = 0; k < 4; k++) {
            double[] p = params[k];
            double[] g = gradient[k];
            for (int i = 0; i < p.length; i++) {
                m[k][i] = BETA1 * m[k][i] + (1 - BETA1) * g[i];
                v[k][i] = BETA2 * v[k][i] + (1 - BETA2) * g[i] * g[i];
                p[i] += lr * (m[k][i] / c1) / (Math.sqrt(v[k][i] / c2) + EPS);
            }
        }
    }
}
