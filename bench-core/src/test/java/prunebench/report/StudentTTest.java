package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StudentTTest {

    @Test
    void quantilesMatchTabulatedValues() {
        // Tables print three decimals; the reference digits here are from R's qt().
        assertEquals(12.706204736, StudentT.quantile(0.975, 1), 1e-6);
        assertEquals(4.302652730, StudentT.quantile(0.975, 2), 1e-6);
        assertEquals(2.776445105, StudentT.quantile(0.975, 4), 1e-6);
        assertEquals(2.042272456, StudentT.quantile(0.975, 30), 1e-6);
        assertEquals(1.959963985, StudentT.quantile(0.975, 1e7), 1e-5); // approaches the normal quantile
        assertEquals(-4.302652730, StudentT.quantile(0.025, 2), 1e-6);
        assertEquals(0.0, StudentT.quantile(0.5, 3), 0.0);
    }

    @Test
    void quantilesMatchClosedFormsForOneAndTwoDegreesOfFreedom() {
        for (double p : new double[] {0.6, 0.9, 0.99, 0.999}) {
            assertEquals(Math.tan(Math.PI * (p - 0.5)), StudentT.quantile(p, 1), 1e-9 * StudentT.quantile(p, 1));
            double t2 = (2 * p - 1) * Math.sqrt(2 / (4 * p * (1 - p)));
            assertEquals(t2, StudentT.quantile(p, 2), 1e-9 * t2);
        }
    }

    @Test
    void cdfMatchesClosedFormsAndTables() {
        for (double t : new double[] {-5, -1.3, 0, 0.4, 2, 30}) {
            assertEquals(0.5 + Math.atan(t) / Math.PI, StudentT.cdf(t, 1), 1e-12);
            assertEquals(0.5 + t / (2 * Math.sqrt(2 + t * t)), StudentT.cdf(t, 2), 1e-12);
        }
        assertEquals(0.975, StudentT.cdf(2.228138852, 10), 1e-9);
        assertEquals(0.05, StudentT.twoSidedP(2.228138852, 10), 1e-9);
        assertEquals(0.01, StudentT.twoSidedP(2.763262455, 28), 1e-9);
        assertEquals(1.0, StudentT.twoSidedP(0, 5), 0.0);
        assertEquals(0.0, StudentT.twoSidedP(Double.POSITIVE_INFINITY, 5), 0.0);
    }

    @Test
    void tinyPValuesKeepRelativePrecision() {
        // df = 1: p = 1 - 2 atan(t)/pi = 2 atan(1/t)/pi, which a 1 - cdf computation would round to 0.
        double t = 1e9;
        assertEquals(2 * Math.atan(1 / t) / Math.PI, StudentT.twoSidedP(t, 1), 1e-6 * 2 * Math.atan(1 / t) / Math.PI);
    }

    @Test
    void rejectsInvalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.9, 0));
        assertThrows(IllegalArgumentException.class, () -> StudentT.cdf(1, -1));
    }
}
