package prunebench.strategies.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.prune.StrategyOptions;

class ScoringDataTest {
    static int count(Object batches, int classes, int batchSize) {
        StrategyOptions o = new StrategyOptions("snip", new Snip().parameterDefaults(), Map.of("batches", batches));
        return ScoringData.count(o, classes, batchSize);
    }

    @Test
    void autoIsEnoughBatchesForTenExamplesPerClass() {
        assertEquals(1, count("auto", 10, 128)); // 100 examples: one batch of 128
        assertEquals(4, count("auto", 10, 32)); // ceil(100 / 32)
        assertEquals(8, count("auto", 100, 128)); // ceil(1000 / 128)
        assertEquals(1, count("auto", 10, 100));
        assertEquals(2, count("auto", 10, 99));
    }

    @Test
    void anExplicitCountIsTakenAsIsAndNonsenseIsRefused() {
        assertEquals(3, count(3, 10, 128));
        assertThrows(ConfigException.class, () -> count(0, 10, 128));
        assertThrows(ConfigException.class, () -> count(1.5, 10, 128));
        assertThrows(ConfigException.class, () -> count("all", 10, 128));
    }
}
