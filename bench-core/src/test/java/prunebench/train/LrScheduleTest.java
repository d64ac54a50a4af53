package prunebench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import prunebench.config.LrScheduleSpec;

class LrScheduleTest {
    @Test
    void cosineFallsFromBaseToZeroPerStep() {
        LrSchedule s = new LrSchedule(new LrScheduleSpec("cosine", 0, List.of(), 0.1), 0.1, 2, 10);
        assertEquals(0.1, s.at(0, 0), 1e-12);
        assertEquals(0.05, s.at(1, 0), 1e-12); // half way: cos(pi/2) = 0
        assertEquals(0.5 * 0.1 * (1 + Math.cos(Math.PI * 19 / 20)), s.at(1, 9), 1e-12);
    }

    @Test
    void warmupIsLinearThenTheScheduleStarts() {
        LrSchedule s = new LrSchedule(new LrScheduleSpec("constant", 1, List.of(), 0.1), 0.2, 3, 4);
        assertEquals(0.05, s.at(0, 0), 1e-12);
        assertEquals(0.2, s.at(0, 3), 1e-12);
        assertEquals(0.2, s.at(2, 1), 1e-12);
    }

    @Test
    void stepMultipliesByGammaAtEachMilestone() {
        LrSchedule s = new LrSchedule(new LrScheduleSpec("step", 0, List.of(2, 4), 0.1), 1.0, 6, 5);
        assertEquals(1.0, s.at(1, 4), 1e-12);
        assertEquals(0.1, s.at(2, 0), 1e-12);
        assertEquals(0.01, s.at(5, 0), 1e-12);
    }
}
