package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.testing.Experiments;
import prunebench.train.Trainer;
import prunebench.train.TrainingListener;

class RegrowingUpdaterTest {
    @Test
    void activeCountPerLayerStaysExactlyConstantThroughTraining() {
        try (Fixture f = new Fixture(new RigL(), 0)) {
            Map<String, Long> initial = new HashMap<>();
            f.targets.forEach(t -> initial.put(t.name(), f.masks.kept(t.name())));
            assertEquals(Fixture.KEEP, initial.values().stream().mapToLong(Long::longValue).sum());
            // Update after every step until the end: 8 steps per epoch, updates after steps 1..7.
            MaskUpdater updater = new RigL().maskUpdater(f.context(0, Map.of("update_interval", 1,
                    "end_fraction", 1.0)));
            List<Map<String, Long>> counts = new ArrayList<>();
            List<float[]> firstLayer = new ArrayList<>();
            Trainer trainer = new Trainer(f.network, f.manager, f.train, f.test, 0).addListener(updater)
                    .addListener(new TrainingListener() {
                        @Override
                        public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
                            Map<String, Long> c = new HashMap<>();
                            f.targets.forEach(t -> c.put(t.name(), f.masks.kept(t.name())));
                            counts.add(c);
                            firstLayer.add(f.mask(f.targets.get(1)));
                        }
                    });
            trainer.train("sparse", Experiments.sgd(1, 0.05), f.optimizer, f.masks, 0);
            assertEquals(8, counts.size());
            for (Map<String, Long> c : counts) {
                assertEquals(initial, c);
            }
            assertEquals(7, updater.stats().updates());
            assertTrue(updater.stats().connectionsChanged() > 100, updater.stats().toString());
            assertFalse(Arrays.equals(firstLayer.get(0), firstLayer.get(6)), "the topology moved");
            for (PruningTarget t : f.targets) { // pruned weights are zero
                float[] w = t.array().toFloatArray();
                float[] m = f.mask(t);
                for (int i = 0; i < w.length; i++) {
                    assertTrue(m[i] == 1 || w[i] == 0);
                }
            }
        }
    }

    /** Per step of one epoch (8 steps), whether the classifier's weights (dense, never masked) changed. */
    private static List<Boolean> classifierMoved(Map<String, Object> options) {
        try (Fixture f = new Fixture(new RigL(), 0)) {
            NDArray classifier = f.network.trainableParameters().entrySet().stream()
                    .filter(e -> f.targets.stream().noneMatch(t -> t.name().equals(e.getKey())))
                    .filter(e -> e.getValue().getArray().getShape().dimension() == 2)
                    .findFirst().orElseThrow().getValue().getArray();
            List<Boolean> moved = new ArrayList<>();
            float[][] last = {classifier.toFloatArray()};
            MaskUpdater updater = new RigL().maskUpdater(f.context(0, options));
            new Trainer(f.network, f.manager, f.train, f.test, 0).addListener(updater)
                    .addListener(new TrainingListener() {
                        @Override
                        public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
                            float[] now = classifier.toFloatArray();
                            moved.add(!Arrays.equals(last[0], now));
                            last[0] = now;
                        }
                    })
                    .train("sparse", Experiments.sgd(1, 0.05), f.optimizer, f.masks, 0);
            assertEquals(3, updater.stats().updates());
            return moved;
        }
    }

    @Test
    void rigLMakesNoOptimizerStepOnAMaskUpdateStepUnlessToldTo() {
        // Updates after steps 2, 4 and 6 of 8 (0-based steps 1, 3, 5): those steps only rewire the masks.
        Map<String, Object> every2 = Map.of("update_interval", 2, "end_fraction", 1.0);
        assertEquals(List.of(true, false, true, false, true, false, true, true), classifierMoved(every2));
        Map<String, Object> stepping = new HashMap<>(every2);
        stepping.put("skip_step", false);
        assertEquals(List.of(true, true, true, true, true, true, true, true), classifierMoved(stepping));
    }

    @Test
    void setStepsOnEveryStepAsItsReferenceDoes() {
        try (Fixture f = new Fixture(new SparseEvolutionary(), 0)) {
            MaskUpdater updater = new SparseEvolutionary().maskUpdater(f.context(0, Map.of("update_interval", 1)));
            for (int step = 0; step < 8; step++) {
                assertFalse(updater.replacesOptimizerStep(step, 8));
            }
        }
    }

    @Test
    void rigLGrowsWhereTheDenseGradientIsLargestAndResetsTheirMomentum() {
        try (Fixture f = new Fixture(new RigL(), 0)) {
            f.step(0);
            f.step(1); // momentum is now nonzero everywhere: it accumulates the dense gradient of masked weights
            Map<String, float[]> before = new HashMap<>();
            Map<String, float[]> gradient = new HashMap<>();
            for (PruningTarget t : f.targets) {
                before.put(t.name(), f.mask(t));
                try (NDArray g = t.array().getGradient()) {
                    gradient.put(t.name(), g.abs().toFloatArray());
                }
            }
            RegrowingUpdater updater = (RegrowingUpdater) new RigL().maskUpdater(f.context(0, Map.of()));
            updater.update(2, 0.3);
            assertEquals(1, updater.stats().updates());
            long grownTotal = 0;
            for (PruningTarget t : f.targets) {
                float[] old = before.get(t.name());
                float[] now = f.mask(t);
                float[] g = gradient.get(t.name());
                float[] w = t.array().toFloatArray();
                float[] momentum = f.optimizer.state().get("momentum/" + t.name()).toFloatArray();
                float minGrown = Float.POSITIVE_INFINITY;
                float maxMissed = 0;
                long oldCount = 0;
                long nowCount = 0;
                for (int i = 0; i < old.length; i++) {
                    oldCount += (long) old[i];
                    nowCount += (long) now[i];
                    if (now[i] == 1 && old[i] == 0) {
                        grownTotal++;
                        minGrown = Math.min(minGrown, g[i]);
                        assertEquals(0f, w[i], 0f, "a regrown weight starts at zero");
                        assertEquals(0f, momentum[i], 0f, "a regrown weight's momentum is reset");
                    } else if (now[i] == 0 && old[i] == 0) {
                        maxMissed = Math.max(maxMissed, g[i]);
                    }
                    if (now[i] == 0) {
                        assertEquals(0f, w[i], 0f, "dropped and inactive weights are zero");
                    }
                }
                assertEquals(oldCount, nowCount, t.name());
                // Every regrown connection's |dL/dw| is at least that of every inactive one left out.
                assertTrue(minGrown >= maxMissed, t.name() + ": grown " + minGrown + " < missed " + maxMissed);
            }
            assertEquals(grownTotal, updater.stats().connectionsChanged());
            assertTrue(grownTotal > 500, "grown " + grownTotal);
            // Momentum of connections that stayed was not touched: some of it is nonzero.
            float[] m1 = f.optimizer.state().get("momentum/" + f.targets.get(1).name()).toFloatArray();
            assertTrue(Arrays.stream(box(m1)).anyMatch(v -> v != 0f));
        }
    }

    @Test
    void setRegrowthIsDeterministicForASeed() {
        float[][] a = setMasks(3);
        float[][] b = setMasks(3);
        float[][] c = setMasks(4);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i]);
        }
        assertFalse(Arrays.deepEquals(a, c), "another seed grows elsewhere");
    }

    /** The masks after one SET update (same network and initial masks; the updater's seed varies). */
    private static float[][] setMasks(long updaterSeed) {
        try (Fixture f = new Fixture(new SparseEvolutionary(), 0)) {
            float[] before = f.mask(f.targets.get(2));
            RegrowingUpdater updater = (RegrowingUpdater) new SparseEvolutionary()
                    .maskUpdater(f.context(updaterSeed, Map.of()));
            updater.update(100, 0.3);
            assertTrue(updater.stats().connectionsChanged() > 0);
            assertFalse(Arrays.equals(before, f.mask(f.targets.get(2))));
            return f.targets.stream().map(f::mask).toArray(float[][]::new);
        }
    }

    private static Float[] box(float[] a) {
        Float[] out = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
