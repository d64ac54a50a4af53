package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IncompleteBetaTest {

    @Test
    void matchesClosedForms() {
        for (double x : new double[] {0.01, 0.2, 0.5, 0.73, 0.99}) {
            assertEquals(1 - Math.pow(1 - x, 3.5), IncompleteBeta.regularized(x, 1, 3.5), 1e-13);
            assertEquals(Math.pow(x, 2.5), IncompleteBeta.regularized(x, 2.5, 1), 1e-13);
            assertEquals(2 / Math.PI * Math.asin(Math.sqrt(x)), IncompleteBeta.regularized(x, 0.5, 0.5), 1e-13);
        }
        assertEquals(0.5, IncompleteBeta.regularized(0.5, 7.3, 7.3), 1e-13);
        // Binomial sum: I_x(2,3) = 6x^2 - 8x^3 + 3x^4
        double x = 0.3;
        assertEquals(6 * x * x - 8 * x * x * x + 3 * x * x * x * x, IncompleteBeta.regularized(x, 2, 3), 1e-13);
        assertEquals(0.0, IncompleteBeta.regularized(0, 2, 3), 0.0);
        assertEquals(1.0, IncompleteBeta.regularized(1, 2, 3), 0.0);
    }

    @Test
    void lnGammaMatchesFactorials() {
        assertEquals(Math.log(24), IncompleteBeta.lnGamma(5), 1e-13);
        assertEquals(0.5 * Math.log(Math.PI), IncompleteBeta.lnGamma(0.5), 1e-13);
        assertEquals(Math.log(3628800), IncompleteBeta.lnGamma(11), 1e-12);
    }

    @Test
    void rejectsArgumentsOutsideTheDomain() {
        assertThrows(IllegalArgumentException.class, () -> IncompleteBeta.regularized(1.2, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> IncompleteBeta.regularized(0.5, 0, 1));
    }
}
