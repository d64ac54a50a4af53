package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SampleStatsTest {

    @Test
    void threeValues() {
        SampleStats s = SampleStats.of(0.90, 0.92, 0.94);
        assertEquals(3, s.n());
        assertEquals(0.92, s.mean(), 1e-12);
        assertEquals(0.02, s.std(), 1e-12);
        assertEquals(4.302652730 * 0.02 / Math.sqrt(3), s.ci95(), 1e-8);
    }

    @Test
    void missingValuesAreIgnoredAndOneValueHasNoSpread() {
        SampleStats s = SampleStats.of(0.5, Double.NaN);
        assertEquals(1, s.n());
        assertEquals(0.5, s.mean(), 0.0);
        assertTrue(Double.isNaN(s.std()));
        assertTrue(Double.isNaN(s.ci95()));
        assertEquals(0, SampleStats.of().n());
        assertTrue(Double.isNaN(SampleStats.of().mean()));
    }
}
