package prunebench.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.model.LeNet300100;
import prunebench.model.Network;
import prunebench.model.TorchNames;
import prunebench.testing.TestMagnitude;

/** Han et al. 2015's per-layer densities on LeNet-300-100 (fc1 235,200, fc2 30,000, fc3 1,000 weights). */
class LayerDensitiesTest {
    private static final Map<String, Double> HAN = han("fc1", "fc2.weight", "fc3");

    private static Map<String, Double> han(String fc1, String fc2, String fc3) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(fc1, 0.08);
        m.put(fc2, 0.09);
        m.put(fc3, 0.26);
        return m;
    }

    private static StrategyOptions options(Object densities) {
        return new StrategyOptions("magnitude", Map.of(), Map.of(LayerDensities.KEY, densities));
    }

    @Test
    void namesAreLayersCsvWithOrWithoutWeight() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet300100(), new Shape(1, 28, 28), 10, manager, 0);
            List<PruningTarget> targets = PruningTargets.of(net, true, false);
            double[] d = LayerDensities.resolve(HAN, targets, TorchNames.of(new LeNet300100(), net), "lenet300-100");
            assertArrayEquals(new double[] {0.08, 0.09, 0.26}, d);
        }
    }

    @Test
    void aPartialOptionLeavesTheLayersItDoesNotNameNaN() {
        // network surgery's layer_c_rate: {fc1: 2.0} gives fc1.weight 2.0 and the other layers NaN (they take c_rate)
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet300100(), new Shape(1, 28, 28), 10, manager, 0);
            List<PruningTarget> targets = PruningTargets.of(net, true, false);
            double[] c = LayerDensities.perTarget("layer_c_rate", Map.of("fc1", 2.0), targets,
                    TorchNames.of(new LeNet300100(), net)::of, "lenet300-100", false);
            assertEquals(2.0, c[0], 0);
            assertTrue(Double.isNaN(c[1]) && Double.isNaN(c[2]));
            ConfigException e = assertThrows(ConfigException.class, () -> LayerDensities.perTarget("layer_c_rate",
                    Map.of("fc9", 2.0), targets, TorchNames.of(new LeNet300100(), net)::of, "lenet300-100", false));
            assertTrue(e.getMessage().startsWith("layer_c_rate: "), e.getMessage());
        }
    }

    @Test
    void unknownMissingAndDoubleNamesAreConfigErrors() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet300100(), new Shape(1, 28, 28), 10, manager, 0);
            TorchNames names = TorchNames.of(new LeNet300100(), net);
            List<PruningTarget> all = PruningTargets.of(net, true, false);
            ConfigException unknown = assertThrows(ConfigException.class,
                    () -> LayerDensities.resolve(han("fc1", "fc2", "fc4"), all, names, "lenet300-100"));
            assertTrue(unknown.getMessage().startsWith("layer_densities: unknown prunable layer of lenet300-100 "
                    + "'fc4' (did you mean 'fc1'?); valid: fc1, fc2, fc3"), unknown.getMessage());
            Map<String, Double> twoOnly = new LinkedHashMap<>(HAN);
            twoOnly.remove("fc3");
            ConfigException missing = assertThrows(ConfigException.class,
                    () -> LayerDensities.resolve(twoOnly, all, names, "lenet300-100"));
            assertTrue(missing.getMessage().startsWith("layer_densities: no density for prunable layer 'fc3'"),
                    missing.getMessage());
            Map<String, Double> twice = new LinkedHashMap<>(HAN);
            twice.put("fc1.weight", 0.1);
            ConfigException both = assertThrows(ConfigException.class,
                    () -> LayerDensities.resolve(twice, all, names, "lenet300-100"));
            assertEquals("layer_densities: 'fc1' and 'fc1.weight' name the same tensor; give one of them",
                    both.getMessage());
            // without prune_classifier fc3 is not prunable: naming it is an error, not a silent no-op
            ConfigException classifier = assertThrows(ConfigException.class, () -> LayerDensities.resolve(HAN,
                    PruningTargets.of(net, false, false), names, "lenet300-100"));
            assertTrue(classifier.getMessage().contains("unknown prunable layer of lenet300-100 'fc3'"),
                    classifier.getMessage());
        }
    }

    @Test
    void densitiesOutsideZeroToOneAreConfigErrorsNamingTheKey() {
        assertEquals("layer_densities.fc1: must be a density (fraction of weights kept) in (0, 1], got 0",
                assertThrows(ConfigException.class, () -> LayerDensities.of(options(Map.of("fc1", 0)))).getMessage());
        assertEquals("layer_densities.fc2: must be a density (fraction of weights kept) in (0, 1], got 1.5",
                assertThrows(ConfigException.class, () -> LayerDensities.of(options(Map.of("fc2", 1.5))))
                        .getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> LayerDensities.of(options(0.08))).getMessage()
                .startsWith("layer_densities must be a map of prunable layer"));
        assertEquals(Map.of("fc1", 1.0), LayerDensities.of(options(Map.of("fc1", 1))));
    }

    @Test
    void prunerKeepsHansFractionsAtTheirTotalAndTheSameShapeElsewhere() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet300100(), new Shape(1, 28, 28), 10, manager, 0);
            List<PruningTarget> targets = PruningTargets.of(net, true, false);
            Pruner pruner = new Pruner(net, targets, null, 32, 0, new double[] {0.08, 0.09, 0.26});
            StrategyOptions none = new StrategyOptions("magnitude", Map.of(), Map.of());
            MaskSet masks = MaskSet.dense(targets, manager);
            // an imp level on the way: twice Han's total, every density doubled (16%, 18%, 52%)
            pruner.prune(new TestMagnitude(), none, masks, 43_552, Distribution.LAYER_DENSITIES, 1, false);
            assertArrayEquals(new long[] {37_632, 5_400, 520}, kept(masks, targets));
            // Han's 12.22x: 18,816 + 2,700 + 260 = 21,776, the published 8% / 9% / 26%
            pruner.prune(new TestMagnitude(), none, masks, 21_776, Distribution.LAYER_DENSITIES, 1, false);
            assertArrayEquals(new long[] {18_816, 2_700, 260}, kept(masks, targets));

            // 150,000 kept from dense: fc3 would pass 1 (factor 6.89), so it is dense and the other 149,000 are
            // shared by 18,816 + 2,700: 130,302.29 and 18,697.71 -> 130,302 + 18,698
            MaskSet fresh = MaskSet.dense(targets, manager);
            pruner.prune(new TestMagnitude(), none, fresh, 150_000, Distribution.LAYER_DENSITIES, 1, false);
            assertArrayEquals(new long[] {130_302, 18_698, 1_000}, kept(fresh, targets));
        }
    }

    private static long[] kept(MaskSet masks, List<PruningTarget> targets) {
        return targets.stream().mapToLong(t -> masks.kept(t.name())).toArray();
    }
}
