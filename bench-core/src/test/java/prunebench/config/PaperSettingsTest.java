package prunebench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The keys published protocols need: budget, dataset.validation, pruning.compression_of. */
class PaperSettingsTest {
    private final ExperimentLoader loader = Fakes.loader();
    private static final String BASE = """
            name: p
            model: lenet300100
            dataset: {name: mnist, validation: 500}
            pretrain: {epochs: 10}
            pruning: {compressions: [2], strategies: [random], compression_of: prunable}
            budget: 0.25
            """;

    @Test
    void readsTheKeysAndWritesThemBack() {
        ExperimentSpec spec = loader.parse(BASE, "p.yaml", List.of());
        assertEquals(0.25, spec.budget());
        assertEquals(500, spec.dataset().validation());
        assertEquals(PruningSpec.PRUNABLE, spec.pruning().compressionOf());
        String yaml = ResolvedExperimentWriter.toYaml(spec);
        assertEquals(spec, loader.parse(yaml, "resolved.yaml", List.of()));
    }

    @Test
    void defaultsAreTheWholeProtocolNoHoldOutAndShrinkBenchCompression() {
        ExperimentSpec spec = loader.parse(BASE.replace("budget: 0.25\n", "").replace(", validation: 500", "")
                .replace(", compression_of: prunable", ""), "p.yaml", List.of());
        assertEquals(1.0, spec.budget());
        assertEquals(null, spec.dataset().validation());
        assertEquals(PruningSpec.ALL, spec.pruning().compressionOf());
    }

    @Test
    void badValuesNameFileLineAndKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse(BASE.replace("budget: 0.25", "budget: 1.5"), "p.yaml", List.of()));
        assertEquals("p.yaml:6: budget: must be a fraction of the epochs in (0, 1] (1 = the whole protocol), got 1.5",
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> loader.parse(BASE, "p.yaml", List.of("budget=0")));
        assertTrue(e.getMessage().contains("budget: must be a fraction of the epochs in (0, 1]"), e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> loader.parse(BASE.replace("validation: 500", "validation: 0"), "p.yaml", List.of()));
        assertTrue(e.getMessage().startsWith("p.yaml:3: dataset.validation: must be a positive number"),
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> loader.parse(BASE.replace("compression_of: prunable", "compression_of: weights"), "p.yaml",
                        List.of()));
        assertTrue(e.getMessage().startsWith("p.yaml:5: pruning.compression_of: unknown compression_of 'weights'"),
                e.getMessage());
    }
}
