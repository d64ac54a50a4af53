package prunebench.strategies.agent.learningtoprune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Huang et al.'s reward, the Bernoulli policy's REINFORCE gradient and the baseline, on hand-worked values. */
class LearningToPruneMathTest {
    private static final double TOL = 1e-9;

    @Test
    void rewardIsTheAccuracyTermTimesLogOfFiltersOverKept() {
        // drop 1 point within a 2-point bound: psi = (0.02 - 0.01) / 0.02 = 0.5; 16 filters, 4 kept: phi = ln 4
        assertEquals(0.5, Reward.accuracyTerm(0.99, 0.98, 0.02), TOL);
        assertEquals(Math.log(4), Reward.efficiencyTerm(16, 4), TOL);
        assertEquals(0.6931471805599453, Reward.of(0.99, 0.98, 0.02, 16, 4), TOL);
        // a 3-point drop beyond the bound: psi = -0.5, and removing half of 6 filters makes it worse: -0.5 ln 2
        assertEquals(-0.34657359027997264, Reward.of(0.99, 0.96, 0.02, 6, 3), TOL);
        // a gain: psi = (0.02 + 0.01) / 0.02 = 1.5
        assertEquals(1.5, Reward.accuracyTerm(0.97, 0.98, 0.02), TOL);
        // exactly the bound: psi = 0
        assertEquals(0, Reward.of(0.99, 0.97, 0.02, 8, 2), TOL);
        // keeping every filter earns nothing, whatever the accuracy
        assertEquals(0, Reward.of(0.99, 0.50, 0.02, 8, 8), TOL);
        // keeping none counts as keeping one: ln 8
        assertEquals(Math.log(8), Reward.efficiencyTerm(8, 0), TOL);
    }

    @Test
    void reinforceGradientOfTheBernoulliPolicyOnATinyNetwork() {
        // 1 input, 1 hidden unit, 2 filters: x = 2, w1 = 1, b1 = -1 -> pre = 1, h = 1; w2 = (1, -1), b2 = 0:
        // z = (1, -1), p = (sigmoid 1, sigmoid -1) = (0.7310585786300049, 0.2689414213699951)
        BernoulliPolicy policy = new BernoulliPolicy(1, 1, 2, new double[] {1}, new double[] {-1},
                new double[] {1, -1}, new double[] {0, 0});
        double[] x = {2};
        assertArrayEquals(new double[] {0.7310585786300049, 0.2689414213699951}, policy.keepProbabilities(x), TOL);
        // actions (keep, drop) and (drop, drop) with advantages 1 and 0.5; dlog pi / dz_j = a_j - p_j:
        // g_z0 = (1 (1 - p0) + 0.5 (0 - p0)) / 2 = 0.5 - 0.75 p0 = -0.048293933972503676
        // g_z1 = (1 (0 - p1) + 0.5 (0 - p1)) / 2 = -0.75 p1 = -0.20170606602749633
        // dW2 = g_z h = g_z; dh = w2 . g_z = g_z0 - g_z1 = 0.15341213205499265; relu open: db1 = dh, dW1 = dh x
        double[][] g = policy.gradient(x, new boolean[][] {{true, false}, {false, false}}, new double[] {1, 0.5});
        double gz0 = -0.048293933972503676;
        double gz1 = -0.20170606602749633;
        assertArrayEquals(new double[] {gz0, gz1}, g[3], TOL); // b2
        assertArrayEquals(new double[] {gz0, gz1}, g[2], TOL); // w2
        assertArrayEquals(new double[] {0.15341213205499265}, g[1], TOL); // b1
        assertArrayEquals(new double[] {0.3068242641099853}, g[0], TOL); // w1
    }

    @Test
    void aClosedReluPassesNoGradientToTheFirstLayer() {
        // b1 = -3: pre = -1, h = 0; z = b2 = 0, p = 0.5: g_z0 = (0.5 - 0.25) / 2 = 0.125, g_z1 = (-0.5 - 0.25) / 2
        BernoulliPolicy policy = new BernoulliPolicy(1, 1, 2, new double[] {1}, new double[] {-3},
                new double[] {1, -1}, new double[] {0, 0});
        double[][] g = policy.gradient(new double[] {2}, new boolean[][] {{true, false}, {false, false}},
                new double[] {1, 0.5});
        assertArrayEquals(new double[] {0.125, -0.375}, g[3], TOL);
        assertArrayEquals(new double[] {0, 0}, g[2], TOL);
        assertArrayEquals(new double[] {0}, g[1], TOL);
        assertArrayEquals(new double[] {0}, g[0], TOL);
    }

    @Test
    void gradientAgreesWithFiniteDifferencesOfTheWeightedLogLikelihood() {
        Random random = new Random(3);
        BernoulliPolicy policy = BernoulliPolicy.initialised(3, 4, 3, 0.6, random);
        double[] x = {0.5, -1.2, 2.0};
        boolean[][] actions = {{true, false, true}, {false, false, true}, {true, true, false}};
        double[] adv = {0.7, -0.2, 1.1};
        double[][] g = policy.gradient(x, actions, adv);
        double[][] params = {policy.w1, policy.b1, policy.w2, policy.b2};
        double h = 1e-6;
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < params[k].length; i++) {
                double keep = params[k][i];
                params[k][i] = keep + h;
                double up = weightedLogLikelihood(policy, x, actions, adv);
                params[k][i] = keep - h;
                double down = weightedLogLikelihood(policy, x, actions, adv);
                params[k][i] = keep;
                assertEquals((up - down) / (2 * h), g[k][i], 1e-6, "parameter " + k + "/" + i);
            }
        }
    }

    /** (1 / M) sum_i A_i log pi(A_i), computed from the probabilities alone. */
    private static double weightedLogLikelihood(BernoulliPolicy policy, double[] x, boolean[][] actions,
            double[] adv) {
        double[] p = policy.keepProbabilities(x);
        double sum = 0;
        for (int i = 0; i < actions.length; i++) {
            double log = 0;
            for (int j = 0; j < p.length; j++) {
                log += Math.log(actions[i][j] ? p[j] : 1 - p[j]);
            }
            sum += adv[i] * log;
        }
        return sum / actions.length;
    }

    @Test
    void adamClimbsTheGradient() {
        // Adam's first step is lr * g / (|g| + eps) after bias correction: lr times the gradient's sign
        BernoulliPolicy policy = new BernoulliPolicy(1, 1, 2, new double[] {1}, new double[] {-1},
                new double[] {1, -1}, new double[] {0, 0});
        double[] x = {2};
        policy.ascend(policy.gradient(x, new boolean[][] {{true, false}, {false, false}}, new double[] {1, 0.5}),
                0.1);
        assertEquals(1.1, policy.w1[0], 1e-6);
        assertEquals(-0.9, policy.b1[0], 1e-6);
        assertEquals(0.9, policy.w2[0], 1e-6); // g_w2 < 0 for both
        assertEquals(-1.1, policy.w2[1], 1e-6);
        assertEquals(-0.1, policy.b2[0], 1e-6);
        assertEquals(-0.1, policy.b2[1], 1e-6);
    }

    @Test
    void movingBaselineStartsAtTheFirstMeanAndDecays() {
        MovingBaseline b = new MovingBaseline(0.9);
        assertTrue(Double.isNaN(b.value()));
        assertArrayEquals(new double[] {-1, 1}, b.advantages(new double[] {1, 3}), TOL); // baseline 2
        assertEquals(2, b.value(), TOL); // 0.9 * 2 + 0.1 * 2
        assertArrayEquals(new double[] {2, 4}, b.advantages(new double[] {4, 6}), TOL); // still 2 before update
        assertEquals(2.3, b.value(), TOL); // 0.9 * 2 + 0.1 * 5
        assertArrayEquals(new double[] {-2.3, -2.3}, b.advantages(new double[] {0, 0}), TOL);
        assertEquals(2.07, b.value(), TOL);
    }

    @Test
    void decisionKeepsAboveOneHalfAndAtLeastTheMinimum() {
        assertArrayEquals(new boolean[] {false, true, false, true},
                KeepDecision.decision(new double[] {0.2, 0.7, 0.5, 0.9}, 1));
        assertArrayEquals(new boolean[] {false, true, true},
                KeepDecision.decision(new double[] {0.1, 0.3, 0.2}, 2));
        assertEquals(3, KeepDecision.minimum(0.5, 6));
        assertEquals(1, KeepDecision.minimum(1, 6));
        assertEquals(1, KeepDecision.minimum(0.01, 6));
        assertEquals(6, KeepDecision.minimum(10, 6));
    }

    @Test
    void inputIsCentredAndScaledToUnitNorm() {
        double s = Math.sqrt(0.5); // (x - 2) / (sqrt(2/3) sqrt(3)): unit norm
        assertArrayEquals(new double[] {-s, 0, s}, BernoulliPolicy.standardise(new float[] {1, 2, 3}), 1e-6);
        assertArrayEquals(new double[] {0, 0}, BernoulliPolicy.standardise(new float[] {4, 4}), TOL);
    }

    @Test
    void reinforceLearnsWhichFiltersMatterOnAKnownReward() {
        // 4 filters: dropping filter 0 or 1 costs 3 points each, 2 and 3 cost nothing; bound 2 points. The best
        // action keeps 0 and 1 and drops 2 and 3 (psi 1, phi ln 2); the trained agent must say so.
        Random random = new Random(11);
        double[] x = BernoulliPolicy.standardise(new float[] {0.3f, -0.1f, 0.2f, 0.05f, -0.4f, 0.1f, 0.0f, 0.25f});
        BernoulliPolicy policy = BernoulliPolicy.initialised(x.length, 8, 4, 0.5, random);
        MovingBaseline baseline = new MovingBaseline(0.9);
        for (int e = 0; e < 300; e++) {
            boolean[][] actions = BernoulliPolicy.sample(policy.keepProbabilities(x), 5, random);
            double[] rewards = new double[actions.length];
            for (int i = 0; i < actions.length; i++) {
                int kept = 0;
                double accuracy = 0.99;
                for (int f = 0; f < 4; f++) {
                    kept += actions[i][f] ? 1 : 0;
                    accuracy -= f < 2 && !actions[i][f] ? 0.03 : 0;
                }
                rewards[i] = Reward.of(0.99, accuracy, 0.02, 4, kept);
            }
            policy.ascend(policy.gradient(x, actions, baseline.advantages(rewards)), 0.05);
        }
        double[] p = policy.keepProbabilities(x);
        assertArrayEquals(new boolean[] {true, true, false, false}, KeepDecision.decision(p, 1),
                java.util.Arrays.toString(p));
    }
}
