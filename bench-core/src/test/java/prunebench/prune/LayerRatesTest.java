package prunebench.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;

/** imp's per-layer rates on hand-worked counts (Frankle &amp; Carbin's LeNet-300-100: 20% hidden, 10% output). */
class LayerRatesTest {
    static final List<LayerDensities.Tensor> LENET300 = List.of(
            new LayerDensities.Tensor("fc1.weight", false, false), new LayerDensities.Tensor("fc2.weight", false, false),
            new LayerDensities.Tensor("fc3.weight", false, true));
    static final long[] SIZES = {235_200, 30_000, 1_000};

    static StrategyOptions options(Object layerRates) {
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("layer_rates", layerRates);
        return new StrategyOptions("imp", new Imp().parameterDefaults(), given);
    }

    @Test
    void theNamedLayerRemovesItsOwnFractionTheOthersTheRate() {
        double[] rates = LayerRates.resolve(LayerRates.of(options(Map.of("fc3", 0.1))), 0.2, LENET300, "lenet300");
        assertArrayEquals(new double[] {0.2, 0.2, 0.1}, rates);
        // one level: 235,200 - 47,040; 30,000 - 6,000; 1,000 - 100
        long[] one = LayerRates.keepAfterLevel(SIZES, rates);
        assertArrayEquals(new long[] {188_160, 24_000, 900}, one);
        // removals round up, as imp's single rate does: 7 - ceil(0.7) = 6; 901 - ceil(90.1) = 810
        assertArrayEquals(new long[] {6, 810}, LayerRates.keepAfterLevel(new long[] {7, 901}, new double[] {0.1, 0.1}));
        // the full name names the same tensor
        assertArrayEquals(rates, LayerRates.resolve(Map.of("fc3.weight", 0.1), 0.2, LENET300, "lenet300"));
    }

    @Test
    void levelsAreCountedWithEachLayersRate() {
        double[] rates = {0.2, 0.2, 0.1};
        // Frankle's level 18 (P_m 1.9%): 18 levels keep 4,235 + 539 + 146 = 4,920 of 266,200 (1.85%), so 54x of the
        // prunable weights (keep 4,929) takes 18 levels; 55.5x (keep 4,796) takes 19 with the slower output layer,
        // 18 with every layer at 20% (4,235 + 539 + 16 = 4,790 left)
        long[] kept = SIZES.clone();
        for (int k = 0; k < 18; k++) {
            kept = LayerRates.keepAfterLevel(kept, rates);
        }
        long sum18 = kept[0] + kept[1] + kept[2];
        assertEquals(4_920, sum18);
        assertEquals(18, LayerRates.levels(SIZES, rates, 4_929));
        assertEquals(19, LayerRates.levels(SIZES, rates, 4_796));
        assertEquals(18, LayerRates.levels(SIZES, new double[] {0.2, 0.2, 0.2}, 4_796));
        assertEquals(1, LayerRates.levels(SIZES, rates, 1_000_000), "at least one level");
    }

    @Test
    void badValuesAndNamesAreRefusedWithTheValidNames() {
        ConfigException rate = assertThrows(ConfigException.class, () -> LayerRates.of(options(Map.of("fc3", 1))));
        assertTrue(rate.getMessage().contains("layer_rates.fc3: must be a rate"), rate.getMessage());
        ConfigException shape = assertThrows(ConfigException.class, () -> LayerRates.of(options(0.1)));
        assertTrue(shape.getMessage().startsWith("layer_rates must be a map"), shape.getMessage());
        ConfigException name = assertThrows(ConfigException.class,
                () -> LayerRates.resolve(Map.of("fc4", 0.1), 0.2, LENET300, "lenet300"));
        assertTrue(name.getMessage().contains("fc4") && name.getMessage().contains("fc1, fc2, fc3"), name.getMessage());
        assertTrue(LayerRates.of(new StrategyOptions("imp", new Imp().parameterDefaults(), Map.of())).isEmpty());
    }
}
