package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.testing.Experiments;
import prunebench.train.Trainer;

class MomentumRedistributionTest {
    private static final List<int[]> BY_POSITION = Arrays.asList(null, null);

    @Test
    void dropsByMagnitudeRedistributesByMeanMomentumAndGrowsByMomentum() {
        // A: 3 active, mean |m| 0.2; B: 2 active, mean |m| 0.6 -> shares 0.25 / 0.75. Rate 0.5 drops ceil(1.5) = 2
        // of A (-0.1, 0.3) and ceil(1.0) = 1 of B (-0.2): 3 in all. Regrowth: A ceil(0.25 * 3) = 1; B ceil(2.25) = 3,
        // above 0.99 of its 3 free places, so 2.97, the excess spread: A 1.03 -> 1, B 2.97 -> 2. A grows its largest
        // |m| (index 3, 0.9); B its two largest among the inactive 1, 2, 3: 3 (0.6, just dropped) and 2 (0.5).
        List<float[]> w = List.of(new float[] {0.5f, -0.1f, 0.3f, 0}, new float[] {0.4f, 0, 0, -0.2f});
        List<float[]> m = List.of(new float[] {1, 1, 1, 0}, new float[] {1, 0, 0, 1});
        List<float[]> mom = List.of(new float[] {0.2f, 0.2f, -0.2f, 0.9f}, new float[] {0.6f, 0.1f, 0.5f, -0.6f});
        Reallocation.Rewired r = MomentumRedistribution.update(w, m, mom, 0.5, BY_POSITION);
        assertArrayEquals(new float[] {1, 0, 0, 1}, r.masks().get(0));
        assertArrayEquals(new float[] {1, 0, 1, 1}, r.masks().get(1));
        assertEquals(2, r.grown(), "A's index 3 and B's index 2; B's index 3 was active before");
    }

    @Test
    void aDenseLayerThatIsStillGrowingPrunesAtMostItsSparsity() {
        // C: 9 of 10 active (sparsity 0.1 < 0.2), mean |m| 1.0 against D's 0.1: share 0.91 > 1/2, so its rate is
        // min(0.1, 0.5): it drops ceil(0.9) = 1 weight (0.1 at index 0), not ceil(4.5) = 5, and grows one back where
        // |m| is largest (index 9). D drops ceil(0.5 * 2) = 1 and grows 1.
        float[] cw = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0};
        float[] cm = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
        float[] cmom = {1, 1, 1, 1, 1, 1, 1, 1, 1, 5};
        float[] dw = {0.5f, 0.4f, 0, 0, 0, 0, 0, 0, 0, 0};
        float[] dm = {1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        float[] dmom = {0.1f, 0.1f, 0, 0, 0, 0, 0, 0, 0.05f, 0};
        Reallocation.Rewired r = MomentumRedistribution.update(List.of(cw, dw), List.of(cm, dm),
                List.of(cmom, dmom), 0.5, BY_POSITION);
        assertArrayEquals(new float[] {0, 1, 1, 1, 1, 1, 1, 1, 1, 1}, r.masks().get(0));
        // D drops 0.4 (index 1) and regrows where |m| is largest among its inactive places: index 1 again (0.1 over
        // index 8's 0.05)
        assertArrayEquals(new float[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, r.masks().get(1));
        assertEquals(1, r.grown(), "C's index 9");
    }

    @Test
    void regrowthAddsUpToTheRemovedCountEvenWhenCeilingsOvershoot() {
        // Shares 0.5 / 0.5 of 3 removed: ceil(1.5) = 2 each would grow 4; exactly 3 are given.
        long[] g = MomentumRedistribution.regrowth(new double[] {0.5, 0.5}, new long[] {10, 10}, new long[] {2, 1}, 3);
        assertEquals(3, g[0] + g[1]);
    }

    @Test
    void pruneRateDecaysByCosineToTheReferenceFloor() {
        assertEquals(0.5, SparseMomentum.rate(0.5, 0, 100), 1e-12);
        assertEquals(0.005 + 0.495 / 2, SparseMomentum.rate(0.5, 50, 100), 1e-12);
        assertEquals(0.005, SparseMomentum.rate(0.5, 100, 100), 1e-12);
    }

    @Test
    void updatesAtTheEndOfEveryEpochButTheLastKeepingTheActiveCount() {
        try (Fixture f = new Fixture(new SparseMomentum(), 0)) {
            long before = f.masks.keptTotal();
            float[][] layers = f.targets.stream().map(f::mask).toArray(float[][]::new);
            MaskUpdater updater = new SparseMomentum().maskUpdater(f.context(0, Map.of()));
            new Trainer(f.network, f.manager, f.train, f.test, 0).addListener(updater)
                    .train("sparse", Experiments.sgd(2, 0.05), f.optimizer, f.masks, 0);
            assertEquals(1, updater.stats().updates(), "after epoch 1 of 2 only");
            assertTrue(updater.stats().connectionsChanged() > 100, updater.stats().toString());
            assertEquals(before, f.masks.keptTotal(), "the active count is exactly constant");
            boolean moved = false;
            for (int i = 0; i < f.targets.size(); i++) {
                PruningTarget t = f.targets.get(i);
                moved |= Reallocation.active(layers[i]) != f.masks.kept(t.name());
                float[] w = t.array().toFloatArray();
                float[] m = f.mask(t);
                for (int j = 0; j < w.length; j++) {
                    assertTrue(m[j] == 1 || w[j] == 0);
                }
            }
            assertTrue(moved, "momentum redistribution moved weights between layers");
        }
    }
}
