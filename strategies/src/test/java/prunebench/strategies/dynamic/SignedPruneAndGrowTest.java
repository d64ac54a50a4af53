package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SignedPruneAndGrowTest {
    // 10 positive and 10 negative active weights, one active zero (index 20), five inactive entries (21..25). The
    // negatives are all smaller in magnitude than the positives, so dropping by |w| alone would take only negatives.
    private static final float[] WEIGHTS = {0.9f, -0.04f, 1.2f, -0.10f, 0.5f, -0.01f, 1.4f, -0.07f, 0.7f, -0.05f,
        1.0f, -0.02f, 0.6f, -0.09f, 1.3f, -0.03f, 0.8f, -0.06f, 1.1f, -0.08f, 0, 0, 0, 0, 0, 0};
    private static final float[] MASK = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0};

    @Test
    void removesZetaOfThePositivesAndZetaOfTheNegativesClosestToZeroSeparately() {
        // zeta 0.3: floor(0.3 * 10) = 3 on each side. Smallest positives: 0.5 (4), 0.6 (12), 0.7 (8); largest
        // negatives: -0.01 (5), -0.02 (11), -0.03 (15); the active zero (20) goes too: 7 removed, 14 kept.
        // Growth takes the 7 highest scores among all but the 14 kept: 5 (0.95, removed and drawn again), 21..25
        // (0.9 .. 0.5) and 12 (0.55); the kept ones' 0.99 does not count, 4, 8, 11, 15 and 20 (0.1) stay out.
        float[] scores = new float[WEIGHTS.length];
        Arrays.fill(scores, 0.99f);
        for (int i : new int[] {4, 8, 11, 15, 20}) {
            scores[i] = 0.1f;
        }
        scores[5] = 0.95f;
        scores[12] = 0.55f;
        float[] fresh = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
        System.arraycopy(fresh, 0, scores, 21, 5);
        PruneAndGrow.Result r = SignedPruneAndGrow.update(WEIGHTS, MASK, scores, 0.3, null);
        float[] expected = {1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1};
        assertArrayEquals(expected, r.mask());
        // every grown connection restarts from zero, the two drawn again (5, 12) included; 5 are new
        float[] grown = new float[WEIGHTS.length];
        for (int i : new int[] {5, 12, 21, 22, 23, 24, 25}) {
            grown[i] = 1;
        }
        assertArrayEquals(grown, r.grown());
        assertEquals(5, r.changed());
        assertEquals(21, count(r.mask()), "the active count is unchanged");
        // RigL's form (0.3 of all 21 by |w|: 6, the zero and the five negatives closest to zero) removes others
        PruneAndGrow.Result byMagnitude = PruneAndGrow.update(WEIGHTS, MASK, scores, 0.3);
        assertFalse(Arrays.equals(expected, byMagnitude.mask()));
    }

    @Test
    void eachSideRemovesTheFloorOfZetaTimesItsOwnCount() {
        // 7 positives and 4 negatives, zeta 0.3: floor(2.1) = 2 positives (0.1, 0.2) and floor(1.2) = 1 negative
        // (-0.5); the reference's Keras rewireMask would take 3 positives and 2 negatives (SignedPruneAndGrow's
        // javadoc). The three inactive entries score above the removed ones, so 3 grow: 11, 12 and 13.
        float[] w = {0.1f, 0.9f, 0.2f, 0.8f, 0.3f, 0.7f, 0.6f, -0.5f, -0.6f, -0.7f, -0.8f, 0, 0, 0};
        float[] m = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
        float[] scores = {0.4f, 0, 0.3f, 0, 0, 0, 0, 0.2f, 0, 0, 0, 1, 0.9f, 0.8f};
        PruneAndGrow.Result r = SignedPruneAndGrow.update(w, m, scores, 0.3, null);
        assertArrayEquals(new float[] {0, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1}, r.mask());
        assertEquals(3, r.changed());
        // zeta 0 removes nothing, zeta 1 every active weight (all regrow: the highest 11 scores)
        assertArrayEquals(m, SignedPruneAndGrow.update(w, m, scores, 0, null).mask());
        assertEquals(11, count(SignedPruneAndGrow.update(w, m, scores, 1, null).grown()));
    }

    private static int count(float[] mask) {
        int c = 0;
        for (float v : mask) {
            c += v > 0 ? 1 : 0;
        }
        return c;
    }
}
