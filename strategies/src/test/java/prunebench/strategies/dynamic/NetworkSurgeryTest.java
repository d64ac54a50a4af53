package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.OptimizerSpec;
import prunebench.data.BatchLoader;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskSet;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyOptions;
import prunebench.testing.Experiments;
import prunebench.train.Optimizer;
import prunebench.train.Optimizers;
import prunebench.train.TrainableParameter;
import prunebench.train.Trainer;

class NetworkSurgeryTest {
    @Test
    void momentsAreThoseOfTheNonzeroMagnitudes() {
        // |w| of the nonzero entries: 0.1, 0.3, 0.5 -> mu 0.3, E[w^2] = 0.35 / 3, sigma^2 = 0.35 / 3 - 0.09.
        double[] m = SurgeryThresholds.moments(new float[] {0.1f, -0.3f, 0, 0.5f});
        assertEquals(0.3, m[0], 1e-7);
        assertEquals(Math.sqrt(0.35 / 3 - 0.09), m[1], 1e-7);
    }

    @Test
    void prunesAtOrBelowPoint9TAndSplicesAbove1Point1T() {
        // t = 0.3: a = 0.27, b = 0.33. Active 0.1 goes, active 0.28 stays (above a); inactive 0.32 stays out (not
        // above b), inactive -0.5 comes back.
        float[] next = MaskSurgery.next(new float[] {0.1f, 0.28f, 0.32f, -0.5f}, new float[] {1, 1, 0, 0}, 0.3);
        assertArrayEquals(new float[] {0, 1, 0, 1}, next);
    }

    @Test
    void theArrayFormOfTheSurgeryIsTheJavaFormAndLeavesNothingOnTheRunsManager() {
        // The worked case above, then 10,000 random entries against the Java loop.
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray w = manager.create(new float[] {0.1f, 0.28f, 0.32f, -0.5f});
            NDArray mask = manager.create(new float[] {1, 1, 0, 0});
            try (NDManager scope = manager.newSubManager()) {
                assertEquals(1, MaskSurgery.updateInPlace(scope, w, mask, 0.3));
            }
            assertArrayEquals(new float[] {0, 1, 0, 1}, mask.toFloatArray());
            java.util.Random r = new java.util.Random(5);
            float[] wr = new float[10_000];
            float[] mr = new float[wr.length];
            for (int i = 0; i < wr.length; i++) {
                wr[i] = (float) r.nextGaussian();
                mr[i] = r.nextBoolean() ? 1 : 0;
            }
            float[] expected = MaskSurgery.next(wr, mr, 0.8);
            long spliced = 0;
            for (int i = 0; i < wr.length; i++) {
                spliced += mr[i] == 0 && expected[i] > 0 ? 1 : 0;
            }
            NDArray wa = manager.create(wr);
            NDArray ma = manager.create(mr);
            int before = manager.getManagedArrays().size();
            long counted;
            try (NDManager scope = manager.newSubManager()) {
                counted = MaskSurgery.updateInPlace(scope, wa, ma, 0.8);
            }
            assertEquals(before, manager.getManagedArrays().size(), "intermediates left on the long-lived manager");
            assertArrayEquals(expected, ma.toFloatArray());
            assertEquals(spliced, counted);
            assertTrue(spliced > 100 && spliced < 5000, "both moves happen: " + spliced);
        }
    }

    @Test
    void updateProbabilityFollowsTheReferenceSchedule() {
        assertEquals(1, SurgerySchedule.probability(1e-4, 1, 0), 0);
        assertEquals(0.5, SurgerySchedule.probability(1e-4, 1, 10_000), 1e-12);
        assertEquals(0.25, SurgerySchedule.probability(1e-4, 2, 10_000), 1e-12);
    }

    @Test
    void solvedCKeepsTheTargetAtTheFirstSurgery() {
        List<float[]> w = List.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new float[] {1, 2, 3, 4});
        List<double[]> m = List.of(SurgeryThresholds.moments(w.get(0)), SurgeryThresholds.moments(w.get(1)));
        // Both layers have the same relative spread, so one c keeps the top half of each: 4 of 8.
        double c = SurgeryThresholds.solveC(w, m, 4);
        long kept = 0;
        for (int l = 0; l < 2; l++) {
            float[] mask = MaskSurgery.next(w.get(l), new float[] {1, 1, 1, 1},
                    m.get(l)[0] + c * m.get(l)[1]);
            kept += Reallocation.active(mask);
            assertArrayEquals(new float[] {0, 0, 1, 1}, mask);
        }
        assertEquals(4, kept);
    }

    @Test
    void prunedWeightsKeepTrainingDenselyAndTheRunEndsWithTheSurgeonsMasks() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network network = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            List<PruningTarget> targets = PruningTargets.of(network, false, false);
            MaskSet masks = MaskSet.dense(targets, manager);
            List<TrainableParameter> params = new ArrayList<>();
            network.trainableParameters().forEach((n, p) -> params.add(new TrainableParameter(n, p)));
            List<float[]> initial = targets.stream().map(t -> t.array().toFloatArray()).toList();
            NetworkSurgery s = new NetworkSurgery();
            try (Optimizer optimizer = Optimizers.create(new OptimizerSpec("sgd", 0.05, 0.9, false, 0, 0.9, 0.999,
                    1e-8), params)) {
                StrategyOptions o = new StrategyOptions(s.name(), s.parameterDefaults(), Map.of("gamma", 0.0,
                        "end_fraction", 1.0));
                Surgeon surgeon = (Surgeon) s.maskUpdater(new DynamicContext(network,
                        targets, masks, optimizer, 0, o, Fixture.KEEP, Double.NaN));
                long first = 0;
                for (int l = 0; l < targets.size(); l++) {
                    first += Reallocation.active(surgeon.mask(l));
                }
                assertTrue(Math.abs(first - Fixture.KEEP) <= 3, "the first surgery keeps the target: " + first);
                BatchLoader train = new BatchLoader(Fixture.DATA, Fixture.DATA.train(), false, Device.cpu());
                BatchLoader test = new BatchLoader(Fixture.DATA, Fixture.DATA.test(), false, Device.cpu());
                new Trainer(network, manager, train, test, 0).addListener(surgeon)
                        .train("finetune", Experiments.sgd(1, 0.05), optimizer, masks, 0);
                assertEquals(7, surgeon.stats().updates(), "gamma 0: every step but the last");
                Map<String, NDArray> state = surgeon.state();
                boolean prunedMoved = false;
                for (int l = 0; l < targets.size(); l++) {
                    PruningTarget t = targets.get(l);
                    float[] mask = surgeon.mask(l);
                    assertArrayEquals(mask, masks.get(t.name()).toFloatArray(), "the run's masks are the surgeon's");
                    float[] w = t.array().toFloatArray();
                    float[] dense = state.get("dense/" + t.name()).toFloatArray();
                    for (int i = 0; i < w.length; i++) {
                        assertEquals(mask[i] > 0 ? dense[i] : 0f, w[i], 0f, "the network holds W * T");
                        prunedMoved |= mask[i] == 0 && dense[i] != initial.get(l)[i];
                    }
                }
                assertTrue(prunedMoved, "pruned weights were updated by the gradient of W * T");
            } finally {
                masks.close();
            }
        }
    }

    @Test
    void prunedWeightsDecayAsCaffesSolverDecaysEveryWeight() {
        // One SGD step without momentum, with and without weight decay wd, from the same weights and masks: the
        // gradients are the same, so every dense weight W (pruned or kept) must differ by exactly -lr * wd * W.
        // Before the fix the pruned ones (the optimizer sees 0 there) did not decay: difference 0.
        double lr = 0.05;
        double wd = 0.5;
        float[][] without = oneStep(lr, 0);
        float[][] with = oneStep(lr, wd);
        float[][] initial = oneStep(0, 0);
        int pruned = 0;
        for (int l = 0; l < initial.length / 2; l++) {
            float[] w0 = initial[2 * l];
            float[] mask = initial[2 * l + 1];
            for (int i = 0; i < w0.length; i++) {
                assertEquals(-lr * wd * w0[i], with[2 * l][i] - without[2 * l][i], 1e-6,
                        "tensor " + l + " entry " + i + (mask[i] == 0 ? " (pruned)" : " (kept)"));
                pruned += mask[i] == 0 ? 1 : 0;
            }
        }
        assertTrue(pruned > 1000, "most entries are pruned at the first surgery: " + pruned);
    }

    /** Dense weights and first masks, per target, after one step of lr {@code lr} with weight decay {@code wd}. */
    private static float[][] oneStep(double lr, double wd) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network network = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            List<PruningTarget> targets = PruningTargets.of(network, false, false);
            MaskSet masks = MaskSet.dense(targets, manager);
            List<TrainableParameter> params = new ArrayList<>();
            network.trainableParameters().forEach((n, p) -> params.add(new TrainableParameter(n, p)));
            NetworkSurgery s = new NetworkSurgery();
            StrategyOptions o = new StrategyOptions(s.name(), s.parameterDefaults(), Map.of("gamma", 0.0,
                    "end_fraction", 1.0));
            BatchLoader data = new BatchLoader(Fixture.DATA, Fixture.DATA.train(), false, Device.cpu());
            try (Optimizer optimizer = Optimizers.create(new OptimizerSpec("sgd", lr, 0, false, wd, 0.9, 0.999,
                    1e-8), params)) {
                Surgeon surgeon = (Surgeon) s.maskUpdater(new DynamicContext(network,
                        targets, masks, optimizer, 0, o, Fixture.KEEP, Double.NaN));
                float[][] out = new float[2 * targets.size()][];
                for (int l = 0; l < targets.size(); l++) {
                    out[2 * l + 1] = surgeon.mask(l);
                }
                if (lr > 0) {
                    new Trainer(network, manager, data, data, 0).addListener(surgeon)
                            .train("finetune", Experiments.sgd(1, lr), optimizer, masks, 0, 1);
                }
                Map<String, NDArray> state = surgeon.state();
                for (int l = 0; l < targets.size(); l++) {
                    out[2 * l] = state.get("dense/" + targets.get(l).name()).toFloatArray();
                }
                return out;
            } finally {
                masks.close();
            }
        }
    }

    @Test
    void cRateTakesANumberAndLayerCRateHoldsItsLayersAtTheirOwnC() {
        NetworkSurgery s = new NetworkSurgery();
        // the reader hands a number given for a string-defaulted option over as its text
        assertEquals(4.0, SurgeryThresholds.cRate(new StrategyOptions(s.name(), s.parameterDefaults(),
                Map.of("c_rate", "4"))), 0);
        assertTrue(Double.isNaN(SurgeryThresholds.cRate(new StrategyOptions(s.name(), s.parameterDefaults(),
                Map.of()))));
        org.junit.jupiter.api.Assertions.assertThrows(prunebench.config.ConfigException.class, () -> s.validate(
                new StrategyOptions(s.name(), s.parameterDefaults(), Map.of("c_rate", "four"))));
        org.junit.jupiter.api.Assertions.assertThrows(prunebench.config.ConfigException.class, () -> s.validate(
                new StrategyOptions(s.name(), s.parameterDefaults(), Map.of("layer_c_rate", Map.of("fc1", "x")))));
        // Layer 0 |w| 0.1..0.4: mu 0.25, sigma sqrt(0.075 - 0.0625) = 0.1118; held at c = 1: t = 0.3618,
        // 0.9 t = 0.3256: keeps only 0.4 (1 entry). Layer 1 is free: 3 more to keep 4 of 8, its top three.
        List<float[]> w = List.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new float[] {1, 2, 3, 4});
        List<double[]> m = List.of(SurgeryThresholds.moments(w.get(0)), SurgeryThresholds.moments(w.get(1)));
        double c = SurgeryThresholds.solveC(w, m, new double[] {1, Double.NaN}, 4);
        assertArrayEquals(new float[] {0, 0, 0, 1}, MaskSurgery.next(w.get(0), new float[] {1, 1, 1, 1},
                m.get(0)[0] + 1 * m.get(0)[1]));
        assertArrayEquals(new float[] {0, 1, 1, 1}, MaskSurgery.next(w.get(1), new float[] {1, 1, 1, 1},
                m.get(1)[0] + c * m.get(1)[1]));
    }

    @Test
    void aResumedStageContinuesFromTheCheckpointedStateToTheSameWeights() {
        float[][] straight = train(false);
        float[][] resumed = train(true);
        for (int l = 0; l < straight.length; l++) {
            assertArrayEquals(straight[l], resumed[l], "tensor " + l);
        }
    }

    /** Two epochs of surgery; with {@code resume}, a fresh surgeon takes over after epoch 1 from the saved state. */
    private static float[][] train(boolean resume) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network network = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            List<PruningTarget> targets = PruningTargets.of(network, false, false);
            MaskSet masks = MaskSet.dense(targets, manager);
            List<TrainableParameter> params = new ArrayList<>();
            network.trainableParameters().forEach((n, p) -> params.add(new TrainableParameter(n, p)));
            NetworkSurgery s = new NetworkSurgery();
            StrategyOptions o = new StrategyOptions(s.name(), s.parameterDefaults(), Map.of("gamma", 0.05,
                    "end_fraction", 1.0));
            BatchLoader data = new BatchLoader(Fixture.DATA, Fixture.DATA.train(), false, Device.cpu());
            try (Optimizer optimizer = Optimizers.create(new OptimizerSpec("sgd", 0.05, 0.9, false, 0, 0.9, 0.999,
                    1e-8), params)) {
                DynamicContext context = new DynamicContext(network, targets, masks, optimizer, 3, o, Fixture.KEEP,
                        Double.NaN);
                MaskUpdater first = s.maskUpdater(context);
                Trainer trainer = new Trainer(network, manager, data, data, 3).addListener(first);
                trainer.train("finetune", Experiments.sgd(2, 0.05), optimizer, masks, 0, resume ? 8 : 16);
                if (resume) {
                    Map<String, NDArray> copies = new java.util.HashMap<>();
                    first.state().forEach((k, v) -> {
                        NDArray c = v.duplicate();
                        c.detach();
                        copies.put(k, c);
                    });
                    MaskUpdater second = s.maskUpdater(context);
                    second.loadState(copies);
                    new Trainer(network, manager, data, data, 3).addListener(second)
                            .train("finetune", Experiments.sgd(2, 0.05), optimizer, masks, 8, 16);
                    copies.values().forEach(NDArray::close);
                }
                float[][] out = new float[targets.size() + 1][];
                for (int l = 0; l < targets.size(); l++) {
                    out[l] = targets.get(l).array().toFloatArray();
                }
                out[targets.size()] = new float[] {masks.keptTotal()};
                return out;
            } finally {
                masks.close();
            }
        }
    }
}
