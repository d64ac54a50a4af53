package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import prunebench.testing.Experiments;
import prunebench.train.Trainer;

class ThresholdReallocationTest {
    @Test
    void prunesBelowTheThresholdAndReallocatesBySurvivorsAtRandomPlaces() {
        // H = 1e-3. A drops 0.0005 and -0.0001 (2 survive: indices 1, 4); B drops 0.0002 (3 survive). K = 3 is
        // given back 2 : 3 -> 1.2 / 1.8 -> by largest remainder A 1, B 2. Growth avoids the just dropped: A picks one
        // of its free places {3, 5}, B takes both of {4, 5}.
        List<float[]> w = List.of(new float[] {0.0005f, 0.002f, -0.0001f, 0, 0.5f, 0},
                new float[] {0.0002f, 0.3f, 0.4f, 0.6f, 0, 0});
        List<float[]> m = List.of(new float[] {1, 1, 1, 0, 1, 0}, new float[] {1, 1, 1, 1, 0, 0});
        ThresholdReallocation.Result r = ThresholdReallocation.update(w, m, 1e-3,
                List.of(new Random(1), new Random(2)));
        assertEquals(3, r.pruned());
        float[] a = r.rewired().masks().get(0);
        assertEquals(0, a[0]);
        assertEquals(0, a[2]);
        assertEquals(1, a[1]);
        assertEquals(1, a[4]);
        assertEquals(1, a[3] + a[5]);
        assertArrayEquals(new float[] {0, 1, 1, 1, 1, 1}, r.rewired().masks().get(1));
        assertEquals(3, r.rewired().grown());
    }

    @Test
    void aTensorBelowTheThresholdKeepsOneWeight() {
        ThresholdReallocation.Result r = ThresholdReallocation.update(List.of(new float[] {0.0001f, 0.0002f, 0}),
                List.of(new float[] {1, 1, 0}), 1e-3, List.of(new Random(0)));
        assertEquals(1, r.pruned());
        assertArrayEquals(new float[] {1, 0, 1}, r.rewired().masks().get(0), "keeps index 0, grows index 2");
    }

    @Test
    void thresholdHalvesAboveAndDoublesBelowTheToleranceBand() {
        assertEquals(0.0005, ThresholdReallocation.nextThreshold(0.001, 3, 2, 0.1), 0);
        assertEquals(0.002, ThresholdReallocation.nextThreshold(0.001, 3, 4, 0.1), 0);
        assertEquals(0.001, ThresholdReallocation.nextThreshold(0.001, 3, 3.2, 0.1), 0);
    }

    @Test
    void trainingKeepsTheActiveCountMovesTheThresholdAndCheckpointsIt() {
        try (Fixture f = new Fixture(new DynamicReparameterization(), 0)) {
            long before = f.masks.keptTotal();
            DynamicReparameterization.Updater updater = (DynamicReparameterization.Updater)
                    new DynamicReparameterization().maskUpdater(f.context(0, Map.of("update_interval", 1,
                            "end_fraction", 1.0)));
            new Trainer(f.network, f.manager, f.train, f.test, 0).addListener(updater)
                    .train("sparse", Experiments.sgd(1, 0.05), f.optimizer, f.masks, 0);
            assertEquals(7, updater.stats().updates());
            assertEquals(before, f.masks.keptTotal());
            assertNotEquals(0.001, updater.threshold(), "H adapts to the target count");
            assertTrue(updater.stats().connectionsChanged() > 0);
            Map<String, NDArray> saved = updater.state();
            DynamicReparameterization.Updater resumed = (DynamicReparameterization.Updater)
                    new DynamicReparameterization().maskUpdater(f.context(0, Map.of()));
            resumed.loadState(saved);
            assertEquals(updater.threshold(), resumed.threshold(), 0);
        }
    }
}
