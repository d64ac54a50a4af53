package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.junit.jupiter.api.Test;

class ChartLookTest {

    @Test
    void log2AxisTicksOncePerDoublingWithPlainLabels() {
        LogAxis axis = ChartLook.log2Axis("x", 1, 64);
        assertEquals(1.0, axis.getTickUnit().getSize(), 0.0);
        assertEquals("1", axis.getNumberFormatOverride().format(1.0));
        assertEquals("64", axis.getNumberFormatOverride().format(64.0));
        assertEquals(1 / Math.pow(2, 0.24), axis.getLowerBound(), 1e-9); // 4% of six doublings of padding
        assertEquals(64 * Math.pow(2, 0.24), axis.getUpperBound(), 1e-9);
    }

    @Test
    void narrowLog2RangeGetsHalfDoublingTicks() {
        LogAxis axis = ChartLook.log2Axis("x", 1, 1.5);
        assertEquals(0.5, axis.getTickUnit().getSize(), 0.0);
        assertEquals("1.41", axis.getNumberFormatOverride().format(Math.sqrt(2)));
    }

    @Test
    void percentAxisUsesOneTwoFiveSteps() {
        assertEquals(0.01, ChartLook.niceStep(0.0087), 1e-15);
        assertEquals(0.002, ChartLook.niceStep(0.0013), 1e-15);
        assertEquals(0.005, ChartLook.niceStep(0.005), 1e-15);
        NumberAxis axis = ChartLook.percentAxis("y", 0.87, 0.99); // 12 points plus margins: 1-point ticks
        assertEquals(0.01, axis.getTickUnit().getSize(), 1e-15);
        assertEquals("92", axis.getTickUnit().valueToString(0.92));
    }
}
