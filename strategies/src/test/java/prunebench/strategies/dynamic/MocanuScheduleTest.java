package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.testing.Experiments;
import prunebench.train.EpochRecord;
import prunebench.train.Trainer;
import prunebench.train.TrainingListener;

/** {@code set} with {@code schedule: mocanu}: Mocanu et al. 2018's per-epoch rewiring with a constant zeta. */
class MocanuScheduleTest {
    private static final Map<String, Object> MOCANU = Map.of("schedule", "mocanu");

    @Test
    void rigLsFormStaysTheDefault() {
        assertEquals("rigl", new SparseEvolutionary().parameterDefaults().get("schedule"));
        assertEquals(0.3, new SparseEvolutionary().parameterDefaults().get("drop_fraction"));
    }

    @Test
    void rewiresAfterEveryEpochButTheLastForTheWholeRunWithAConstantZeta() {
        // 5 epochs of 8 steps (256 examples, batch 32): rewiring after epochs 1..4, i.e. after steps 8, 16, 24 and
        // 32. RigL's form would never update at interval 100, and would stop at 75% (step 30) with a decayed drop.
        try (Fixture f = new Fixture(new SparseEvolutionary(), 0)) {
            MaskUpdater updater = new SparseEvolutionary().maskUpdater(f.context(0, MOCANU));
            List<String> changes = new ArrayList<>();
            Map<String, float[]> masks = new HashMap<>();
            Map<String, float[]> weights = new HashMap<>();
            f.targets.forEach(t -> masks.put(t.name(), f.mask(t)));
            int[] epochsChecked = {0};
            Trainer trainer = new Trainer(f.network, f.manager, f.train, f.test, 0).addListener(updater)
                    .addListener(new TrainingListener() {
                        @Override
                        public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
                            for (PruningTarget t : f.targets) {
                                float[] now = f.mask(t);
                                if (!Arrays.equals(masks.get(t.name()), now)) {
                                    changes.add("step " + (globalStep + 1));
                                }
                                masks.put(t.name(), now);
                                weights.put(t.name(), t.array().toFloatArray());
                            }
                        }

                        @Override
                        public void afterEpoch(EpochRecord r) { // runs after the updater's afterEpoch
                            boolean moved = false;
                            for (PruningTarget t : f.targets) {
                                float[] now = f.mask(t);
                                if (r.epoch() < 5) {
                                    checkRewiring(f, t, masks.get(t.name()), weights.get(t.name()), now);
                                }
                                moved |= !Arrays.equals(masks.get(t.name()), now);
                                masks.put(t.name(), now);
                            }
                            if (moved) {
                                changes.add("epoch " + r.epoch());
                            }
                            epochsChecked[0]++;
                        }
                    });
            trainer.train("sparse", Experiments.sgd(5, 0.05), f.optimizer, f.masks, 0);
            assertEquals(5, epochsChecked[0]);
            assertEquals(List.of("epoch 1", "epoch 2", "epoch 3", "epoch 4"), changes);
            assertEquals(4, updater.stats().updates());
            assertFalse(updater.replacesOptimizerStep(7, 40), "SET steps on every step");
        }
    }

    /**
     * After one rewiring of a tensor: exactly floor(0.3 P) of its P positive and floor(0.3 N) of its N negative active
     * weights, those closest to zero, and its active zeros are gone (or drawn again, then at zero); the others kept
     * their weights; as many were grown, at zero with their momentum reset.
     */
    private static void checkRewiring(Fixture f, PruningTarget t, float[] before, float[] w, float[] after) {
        List<Float> positives = new ArrayList<>();
        List<Float> negatives = new ArrayList<>();
        long active = 0;
        for (int i = 0; i < before.length; i++) {
            if (before[i] > 0) {
                active++;
                if (w[i] > 0) {
                    positives.add(w[i]);
                } else if (w[i] < 0) {
                    negatives.add(-w[i]);
                }
            }
        }
        if (active == before.length) {
            return; // a dense tensor is left alone
        }
        positives.sort(null);
        negatives.sort(null);
        int dropPositive = (int) Math.floor(0.3 * positives.size());
        int dropNegative = (int) Math.floor(0.3 * negatives.size());
        float smallestKeptPositive = positives.get(dropPositive);
        float smallestKeptNegative = negatives.get(dropNegative); // in magnitude
        float[] now = t.array().toFloatArray();
        float[] momentum = f.optimizer.state().get("momentum/" + t.name()).toFloatArray();
        long kept = 0;
        long restarted = 0;
        for (int i = 0; i < before.length; i++) {
            boolean keep = before[i] > 0 && (w[i] >= smallestKeptPositive || -w[i] >= smallestKeptNegative);
            if (keep) {
                kept++;
                assertEquals(1f, after[i], t.name() + " keeps " + w[i]);
                assertEquals(w[i], now[i], 0f);
            } else if (after[i] > 0) {
                restarted++;
                assertEquals(0f, now[i], 0f, "a grown weight starts at zero");
                assertEquals(0f, momentum[i], 0f, "a grown weight's momentum is reset");
            }
        }
        assertEquals(positives.size() - dropPositive + negatives.size() - dropNegative, kept, t.name());
        assertEquals(active - kept, restarted, t.name() + ": as many grown as removed");
        assertTrue(restarted >= dropPositive + dropNegative && dropPositive > 0 && dropNegative > 0, t.name());
    }

    @Test
    void aRunResumedAtAnEpochsEndRewiresAsTheUninterruptedOne() {
        float[][] whole = masksAfter(new int[] {0, 40});
        float[][] resumed = masksAfter(new int[] {0, 16, 40}); // a fresh updater after epoch 2, as after a resume
        for (int i = 0; i < whole.length; i++) {
            assertTrue(Arrays.equals(whole[i], resumed[i]), "tensor " + i);
        }
    }

    /** The masks after 5 epochs of 8 steps trained in the given pieces, each with a new updater. */
    private static float[][] masksAfter(int[] bounds) {
        try (Fixture f = new Fixture(new SparseEvolutionary(), 0)) {
            float[][] initial = f.targets.stream().map(f::mask).toArray(float[][]::new);
            int updates = 0;
            for (int p = 0; p + 1 < bounds.length; p++) {
                MaskUpdater updater = new SparseEvolutionary().maskUpdater(f.context(0, MOCANU));
                new Trainer(f.network, f.manager, f.train, f.test, 0).addListener(updater)
                        .train("sparse", Experiments.sgd(5, 0.05), f.optimizer, f.masks, bounds[p], bounds[p + 1]);
                updates += updater.stats().updates();
            }
            assertEquals(4, updates, "after epochs 1..4, none twice");
            float[][] last = f.targets.stream().map(f::mask).toArray(float[][]::new);
            assertFalse(Arrays.deepEquals(initial, last));
            return last;
        }
    }

    @Test
    void rejectsAnUnknownScheduleAndRigLsKeysUnderMocanu() {
        try (Fixture f = new Fixture(new SparseEvolutionary(), 0)) {
            SparseEvolutionary set = new SparseEvolutionary();
            assertThrows(ConfigException.class, () -> set.validate(f.options(Map.of("schedule", "epoch"))));
            assertThrows(ConfigException.class,
                    () -> set.validate(f.options(Map.of("schedule", "mocanu", "update_interval", 600))));
            assertThrows(ConfigException.class,
                    () -> set.validate(f.options(Map.of("schedule", "mocanu", "end_fraction", 1.0))));
            set.validate(f.options(Map.of("schedule", "mocanu", "drop_fraction", 0.3)));
            set.validate(f.options(Map.of("update_interval", 600, "end_fraction", 1.0)));
        }
    }
}
