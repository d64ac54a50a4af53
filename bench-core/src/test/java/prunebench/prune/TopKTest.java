package prunebench.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class TopKTest {
    private static final boolean[] ALL = {true, true, true, true, true, true};

    @Test
    void keepsExactlyTheHighestScores() {
        float[] s = {0.5f, -3f, 2f, 0f, 7f, -0.25f};
        assertArrayEquals(new float[] {1, 0, 1, 0, 1, 0}, TopK.select(s, ALL, 3));
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0}, TopK.select(s, ALL, 1));
        assertArrayEquals(new float[] {1, 0, 1, 1, 1, 1}, TopK.select(s, ALL, 5), "negatives order correctly");
    }

    @Test
    void tiesGoToTheEarlierEntryAndTheCountIsExact() {
        float[] s = {1f, 1f, 1f, 1f, 1f, 1f};
        assertArrayEquals(new float[] {1, 1, 0, 0, 0, 0}, TopK.select(s, ALL, 2));
        float[] signedZero = {-0f, 0f, -0f, 0f, 0f, 0f};
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 0}, TopK.select(signedZero, ALL, 3));
    }

    @Test
    void ineligibleAndNanEntriesComeLast() {
        float[] s = {9f, Float.NaN, -100f, 3f, 5f, Float.NEGATIVE_INFINITY};
        boolean[] eligible = {false, true, true, true, true, true};
        assertArrayEquals(new float[] {0, 0, 1, 1, 1, 0}, TopK.select(s, eligible, 3));
        assertArrayEquals(new float[] {0, 1, 1, 1, 1, 1}, TopK.select(s, eligible, 5), "NaN before ineligible");
    }

    @Test
    void tiesFollowAGivenOrderInsteadOfPosition() {
        float[] s = {1, 2, 1, 1, 0};
        boolean[] all = {true, true, true, true, true};
        // Ranks: index 3 first, then 0, then 2 among the tied 1s.
        int[] order = {1, 4, 2, 0, 3};
        assertArrayEquals(new float[] {0, 1, 0, 1, 0}, TopK.select(s, all, 2, order));
        assertArrayEquals(new float[] {1, 1, 0, 1, 0}, TopK.select(s, all, 3, order));
        assertArrayEquals(new float[] {1, 1, 0, 0, 0}, TopK.select(s, all, 2), "by position without an order");
    }
}
