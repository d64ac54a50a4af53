package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PruneAndGrowTest {
    private static final float[] MASK = {1, 1, 1, 1, 0, 0, 0, 0};
    private static final float[] WEIGHTS = {0.9f, -0.1f, 0.5f, 0.3f, 0, 0, 0, 0};

    @Test
    void dropsTheSmallestActiveAndGrowsTheLargestGradients() {
        // Half of the 4 active drop: |w| 0.1 (index 1) and 0.3 (index 3). Growth ranks the other 6 entries by
        // score: index 5 (3.0) and 7 (2.0) win over 6 (1.0), 4 (0.5) and the dropped 3 (0.2) and 1 (0.1).
        float[] grads = {9, 0.1f, 9, 0.2f, 0.5f, 3.0f, 1.0f, 2.0f};
        PruneAndGrow.Result r = PruneAndGrow.update(WEIGHTS, MASK, grads, 0.5);
        assertArrayEquals(new float[] {1, 0, 1, 0, 0, 1, 0, 1}, r.mask());
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 0, 1}, r.grown());
        assertEquals(2, r.changed());
    }

    @Test
    void aJustDroppedConnectionMayWinAgainAndThenIsNotNew() {
        // As RigL's reference code: candidates are all but the kept ones, the dropped included. Index 1 has the
        // largest gradient, so it stays; only index 5 is new.
        float[] grads = {9, 10, 9, 0.2f, 0.5f, 3.0f, 1.0f, 2.0f};
        PruneAndGrow.Result r = PruneAndGrow.update(WEIGHTS, MASK, grads, 0.5);
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 1, 0, 0}, r.mask());
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 0, 0}, r.grown());
        assertEquals(1, r.changed());
    }

    @Test
    void dropCountIsTheFloorOfActiveTimesFraction() {
        // 4 active * 0.3 = 1.2 -> 1 dropped (index 1, |w| 0.1), one grown (index 5, the largest among the rest).
        float[] grads = {0, 0, 0, 0, 0.5f, 3.0f, 1.0f, 2.0f};
        PruneAndGrow.Result r = PruneAndGrow.update(WEIGHTS, MASK, grads, 0.3);
        assertArrayEquals(new float[] {1, 0, 1, 1, 0, 1, 0, 0}, r.mask());
        assertEquals(1, r.changed());
        // Nothing moves when the fraction rounds to zero drops.
        PruneAndGrow.Result none = PruneAndGrow.update(WEIGHTS, MASK, grads, 0.2);
        assertArrayEquals(MASK, none.mask());
        assertEquals(0, none.changed());
    }
}
