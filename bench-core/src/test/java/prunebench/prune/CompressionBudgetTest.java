package prunebench.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;

class CompressionBudgetTest {
    // LeNet-5: 61,706 parameters; prunable without the classifier: 150 + 2,400 + 48,000 + 10,080 = 60,630;
    // nonprunable: biases 6+16+120+84+10 = 236 plus the classifier's 840 weights = 1,076.
    @Test
    void lenet5KeepCountsFollowShrinkBench() {
        CompressionBudget dense = new CompressionBudget(61_706, 60_630, 1);
        assertEquals(60_630, dense.keep());
        CompressionBudget c4 = new CompressionBudget(61_706, 60_630, 4);
        // round(61706 / 4) = 15,427 nonzero in total; minus 1,076 fixed = 14,351 prunable kept.
        assertEquals(14_351, c4.keep());
        assertEquals(14_351.0 / 60_630, c4.keepFraction(), 1e-12);
        CompressionBudget c32 = new CompressionBudget(61_706, 60_630, 32);
        assertEquals(Math.round(61_706 / 32.0) - 1_076, c32.keep()); // 1,928 - 1,076 = 852
        assertEquals(852, c32.keep());
    }

    @Test
    void unreachableTargetIsAnErrorNotACap() {
        CompressionBudget c64 = new CompressionBudget(61_706, 60_630, 64); // 964 total < 1,076 fixed
        ConfigException e = assertThrows(ConfigException.class, c64::keep);
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
        assertTrue(e.getMessage().contains("1,076"), e.getMessage());
    }

    @Test
    void compressionBelowOneIsRejected() {
        assertThrows(ConfigException.class, () -> new CompressionBudget(100, 50, 0.5));
        assertThrows(ConfigException.class, () -> new CompressionBudget(100, 50, Double.NaN));
    }
}
