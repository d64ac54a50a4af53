package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.prune.StrategyOptions;

class DropScheduleTest {
    private static StrategyOptions options(Map<String, Object> given) {
        RigL rigl = new RigL();
        return new StrategyOptions(rigl.name(), rigl.parameterDefaults(), given);
    }

    @Test
    void cosineDecayFromTheInitialFractionToZeroAtTheEnd() {
        DropSchedule s = DropSchedule.of(options(Map.of()), 1000); // defaults 0.3, every 100, until 75%
        assertEquals(750, s.endStep());
        assertEquals(0.3, s.fraction(0), 1e-12);
        assertEquals(0.15 * (1 + Math.cos(Math.PI / 3)), s.fraction(250), 1e-12); // 0.225
        assertEquals(0.225, s.fraction(250), 1e-12);
        assertEquals(0.15, s.fraction(375), 1e-12); // half way: cos(pi/2) = 0
        assertEquals(0.15 * (1 + Math.cos(Math.PI * 700 / 750)), s.fraction(700), 1e-12); // 0.00329
        assertEquals(0.0, s.fraction(750), 1e-12);
        assertEquals(0.0, s.fraction(1000), 1e-12); // held at zero after the end
    }

    @Test
    void updatesEveryIntervalBeforeTheEnd() {
        DropSchedule s = DropSchedule.of(options(Map.of("update_interval", 100)), 1000);
        assertFalse(s.updatesAt(0));
        assertFalse(s.updatesAt(99));
        assertTrue(s.updatesAt(100));
        assertFalse(s.updatesAt(150));
        assertTrue(s.updatesAt(700));
        assertFalse(s.updatesAt(800)); // after 75%
        long updates = java.util.stream.IntStream.rangeClosed(1, 1000).filter(s::updatesAt).count();
        assertEquals(7, updates); // 100, 200, ..., 700
    }

    @Test
    void badOptionsNameTheParameter() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> DropSchedule.validate(options(Map.of("drop_fraction", 1.5))));
        assertTrue(e.getMessage().contains("drop_fraction"), e.getMessage());
        assertThrows(ConfigException.class, () -> DropSchedule.validate(options(Map.of("update_interval", 0))));
        assertThrows(ConfigException.class, () -> DropSchedule.validate(options(Map.of("end_fraction", 0))));
    }
}
