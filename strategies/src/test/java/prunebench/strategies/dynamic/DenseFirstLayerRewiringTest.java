package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.prune.Distribution;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;

/**
 * {@code dense_first_layer: true} with the strategies that move connections between layers: the first layer (LeNet-5's
 * conv1, 150 weights) starts dense and stays dense through every rewiring, and the others keep their active count.
 */
class DenseFirstLayerRewiringTest {
    @Test
    void snfsNeitherPrunesNorGrowsTheDenseFirstLayerNorGivesItAShare() {
        try (Fixture f = new Fixture(new SparseMomentum(), 0, Distribution.UNIFORM, true)) {
            PruningTarget first = f.targets.get(0);
            assertEquals(first.size(), f.masks.kept(first.name()), "the random start keeps it dense");
            long others = f.masks.keptTotal() - first.size();
            MaskUpdater updater = new SparseMomentum().maskUpdater(f.context(0, Map.of("dense_first_layer", true,
                    "update_interval", 1)));
            f.step(0);
            // No momentum in the first layer: had it been rewired, its share (0) would be below 1/L, so it would
            // drop ceil(0.5 x 150) = 75 weights at the full rate and grow almost none back.
            try (NDArray ones = f.manager.ones(first.array().getShape())) {
                f.optimizer.resetState(first.name(), ones);
            }
            float[] before = first.array().toFloatArray();
            updater.afterStep(0, 0, 0, 10);
            assertArrayEquals(before, first.array().toFloatArray(), "no weight of it zeroed by the rewiring");
            f.step(1);
            updater.afterStep(0, 1, 1, 10);
            assertEquals(2, updater.stats().updates());
            assertTrue(updater.stats().connectionsChanged() > 0, "the other layers were rewired");
            float[] ones = new float[(int) first.size()];
            Arrays.fill(ones, 1f);
            assertArrayEquals(ones, f.mask(first), "still dense after two rewirings");
            assertEquals(others, f.masks.keptTotal() - first.size(), "the others' count is exactly constant");
        }
    }

    @Test
    void dsrKeepsTheDenseFirstLayerOutOfTheThresholdAndTheTargetCount() {
        try (Fixture f = new Fixture(new DynamicReparameterization(), 0, Distribution.UNIFORM, true)) {
            PruningTarget first = f.targets.get(0);
            long others = f.masks.keptTotal() - first.size();
            // H = 0.05 is above many of conv1's initial |w|: had it been rewired, it would lose those and (having no
            // free places) grow none back.
            float[] w = first.array().toFloatArray();
            assertTrue(countBelow(w, 0.05) > 0);
            DynamicReparameterization.Updater updater = (DynamicReparameterization.Updater)
                    new DynamicReparameterization().maskUpdater(f.context(0, Map.of("dense_first_layer", true,
                            "update_interval", 1, "threshold", 0.05)));
            assertEquals(0.1 * others, updater.target(), 1e-9, "Np counts the rewired layers' weights only");
            f.step(0);
            updater.afterStep(0, 0, 0, 10);
            f.step(1);
            updater.afterStep(0, 1, 1, 10);
            assertEquals(2, updater.stats().updates());
            assertTrue(updater.stats().connectionsChanged() > 0, "the other layers were rewired");
            assertEquals(first.size(), f.masks.kept(first.name()), "still dense after two rewirings");
            assertEquals(others, f.masks.keptTotal() - first.size());
        }
    }

    private static long countBelow(float[] w, double h) {
        long n = 0;
        for (float x : w) {
            n += Math.abs(x) < h ? 1 : 0;
        }
        return n;
    }
}
