package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.prune.PruningTarget;

/**
 * Equal growth scores (no gradient, as for dead units) are broken by a seeded order: the same connections on every
 * rerun with the same seed, spread over the tensor rather than the first inactive positions.
 */
class TieBreakingTest {
    /** fc1's mask after one update with all growth scores equal, for the run seed {@code runSeed}. */
    static float[] afterTiedUpdate(long runSeed) {
        try (Fixture f = new Fixture(new RigL(), 0)) {
            RegrowingUpdater updater = new RegrowingUpdater(f.context(runSeed, Map.of()),
                    (t, step, scope) -> new float[Math.toIntExact(t.size())], false);
            updater.update(100, 0.3);
            PruningTarget fc1 = f.targets.get(2);
            return f.mask(fc1);
        }
    }

    @Test
    void tiedGrowthScoresAreBrokenTheSameSeededWayEveryTime() {
        float[] first = afterTiedUpdate(5);
        assertArrayEquals(first, afterTiedUpdate(5), "same seed, same choice");
        assertFalse(Arrays.equals(first, afterTiedUpdate(6)), "another seed breaks the ties differently");
    }

    @Test
    void tiedGrowthIsSpreadOverTheTensorNotPiledOnItsFirstRows() {
        float[] before;
        try (Fixture f = new Fixture(new RigL(), 0)) {
            before = f.mask(f.targets.get(2));
        }
        float[] after = afterTiedUpdate(5);
        long grown = 0;
        double positions = 0;
        for (int i = 0; i < after.length; i++) {
            if (after[i] > 0 && before[i] == 0) {
                grown++;
                positions += i;
            }
        }
        assertTrue(grown > 1000, "grown " + grown);
        double meanPosition = positions / grown / after.length; // 0.5 when spread uniformly
        assertTrue(meanPosition > 0.4 && meanPosition < 0.6, "mean relative position of grown " + meanPosition);
    }
}
