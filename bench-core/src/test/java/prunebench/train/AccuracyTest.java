package prunebench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AccuracyTest {
    @Test
    void countsExamplesNotBatches() {
        Accuracy a = new Accuracy();
        // Batch of 2 (both right) then a short batch of 1 (wrong): 2/3, not the mean of 1.0 and 0.0.
        a.add(new float[] {3, 1, 0, 0, 2, 1}, new long[] {0, 1}, 3);
        a.add(new float[] {5, 4, 3}, new long[] {2}, 3);
        assertEquals(3, a.examples());
        assertEquals(2.0 / 3, a.top1(), 1e-12);
        assertEquals(1.0, a.top5(), 1e-12);
    }

    @Test
    void topFiveRanksTiesAgainstThePrediction() {
        Accuracy a = new Accuracy();
        float[] logits = {1, 1, 1, 1, 1, 1, 0};
        a.add(logits, new long[] {5}, 7); // five equal classes come first: rank 5, outside the top 5
        a.add(logits, new long[] {4}, 7);
        assertEquals(0.5, a.top5(), 1e-12);
        assertEquals(0.0, a.top1(), 1e-12);
    }
}
