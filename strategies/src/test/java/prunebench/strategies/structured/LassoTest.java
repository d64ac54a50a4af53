package prunebench.strategies.structured;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LassoTest {
    @Test
    void anOrthogonalDesignSoftThresholdsEachCoefficient() {
        // G diagonal: beta_j = S(c_j, m alpha) / G_jj. m = 1, alpha = 1: (S(3,1)/2, S(-0.5,1)/1, S(1,1)/4) = (1, 0, 0);
        // alpha = 0.25: (2.75/2, -0.25/1, 0.75/4).
        double[][] g = {{2, 0, 0}, {0, 1, 0}, {0, 0, 4}};
        double[] c = {3, -0.5, 1};
        assertArrayEquals(new double[] {1, 0, 0}, Lasso.solve(g, c, 1, 1, null, 100, 1e-12), 1e-12);
        assertArrayEquals(new double[] {1.375, -0.25, 0.1875}, Lasso.solve(g, c, 1, 0.25, null, 100, 1e-12), 1e-12);
        // m scales the threshold: m = 2, alpha = 0.5 is the same problem as m = 1, alpha = 1
        assertArrayEquals(new double[] {1, 0, 0}, Lasso.solve(g, c, 2, 0.5, null, 100, 1e-12), 1e-12);
    }

    @Test
    void correlatedColumnsSolveTheKktSystemOfTheActiveSet() {
        // G = [[1, .5], [.5, 1]], c = (1, .8), m = 1. alpha = 0.1, both positive: beta1 + .5 beta2 = .9,
        // .5 beta1 + beta2 = .7 -> beta = (11/15, 1/3). alpha = 0.4: (8/15, 2/15). alpha = 0.7: beta2 = 0 since
        // |.8 - .5 * .3| = .65 <= .7, beta1 = .3.
        double[][] g = {{1, 0.5}, {0.5, 1}};
        double[] c = {1, 0.8};
        assertArrayEquals(new double[] {11.0 / 15, 1.0 / 3}, Lasso.solve(g, c, 1, 0.1, null, 1000, 1e-14), 1e-9);
        assertArrayEquals(new double[] {8.0 / 15, 2.0 / 15}, Lasso.solve(g, c, 1, 0.4, null, 1000, 1e-14), 1e-9);
        assertArrayEquals(new double[] {0.3, 0}, Lasso.solve(g, c, 1, 0.7, null, 1000, 1e-14), 1e-9);
        assertEquals(1.0, Lasso.alphaMax(c, 1), 0);
    }

    @Test
    void channelsScoreByTheLargestAlphaAtWhichTheyAreNonzero() {
        // Channels 1, 2 as above plus an orthogonal channel 3 uncorrelated with the target (c3 = 0). Grid: alpha_k =
        // 10^(-4k/99). Channel 1 is nonzero as soon as alpha < alpha max = 1 (k = 1); channel 2 once alpha < .6 (at
        // beta = (1 - alpha, 0) its correlation with the residual is .8 - .5 (1 - alpha) = .3 + .5 alpha > alpha),
        // the first k with 10^(-4k/99) < .6 is 6 (log10 .6 = -.2218, * 99 / 4 = 5.49); channel 3 never.
        double[][] g = {{1, 0.5, 0}, {0.5, 1, 0}, {0, 0, 1}};
        double[] c = {1, 0.8, 0};
        double[] s = Lasso.pathScores(g, c, 1, 100, 1e-4);
        assertArrayEquals(new double[] {(99 + 0.999) / 100, (94 + 0.999) / 100, 0}, s, 1e-12);
    }

    @Test
    void aLargeChannelWhoseContributionIsCancelledLosesToASmallUsefulOne() {
        // Z1 = (1, 0), Z2 = (0, 3), Z3 = (0, -3): the output Y = Z1 + Z2 + Z3 = (1, 0). Channels 2 and 3 are the
        // largest (the L1 filter criterion would keep them) but cancel; only channel 1 reconstructs Y.
        double[][] g = {{1, 0, 0}, {0, 9, -9}, {0, -9, 9}};
        double[] c = {1, 0, 0};
        double[] s = Lasso.pathScores(g, c, 2, 100, 1e-4);
        assertArrayEquals(new double[] {(99 + 0.999) / 100, 0, 0}, s, 1e-12);
    }

    @Test
    void anAlwaysZeroChannelStaysZero() {
        double[][] g = {{0, 0}, {0, 1}};
        double[] c = {0, 2};
        assertArrayEquals(new double[] {0, 1.5}, Lasso.solve(g, c, 1, 0.5, new double[] {5, 0}, 100, 1e-12), 1e-12);
    }
}
