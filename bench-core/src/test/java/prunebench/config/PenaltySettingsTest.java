package prunebench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static prunebench.config.Experiments.BLOCK;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code penalty:} in a training section: read, checked with file and line, in the settings tree and the hash. */
class PenaltySettingsTest {
    private final ExperimentLoader loader = Fakes.loader();

    private ExperimentSpec parse(String... overrides) {
        return loader.parse(BLOCK, "x.yaml", List.of(overrides));
    }

    private String error(String... overrides) {
        return assertThrows(ConfigException.class, () -> parse(overrides)).getMessage();
    }

    @Test
    void aPenaltyIsReadIntoItsSection() {
        ExperimentSpec spec = parse("pretrain.penalty={name: l1_bn, weight: 1e-4}",
                "finetune.penalty={name: group_lasso, weight: 0.001, groups: both}");
        assertEquals(PenaltySpec.l1Bn(1e-4), spec.pretrain().penalty());
        assertEquals(PenaltySpec.groupLasso(0.001, "both"), spec.finetune().penalty());
        assertEquals("filters", parse("finetune.penalty={name: group_lasso, weight: 0.1}").finetune().penalty()
                .groups());
        assertNull(parse().pretrain().penalty());
    }

    @Test
    void badPenaltiesNameTheirKey() {
        assertTrue(error("pretrain.penalty={name: l2, weight: 1}").contains("pretrain.penalty.name"),
                error("pretrain.penalty={name: l2, weight: 1}"));
        assertTrue(error("pretrain.penalty={name: l1_bn, weight: -1}").contains("pretrain.penalty.weight"));
        assertTrue(error("pretrain.penalty={name: l1_bn}").contains("missing required key 'weight'"));
        assertTrue(error("pretrain.penalty={name: l1_bn, weight: 1, groups: filters}").contains("groups"));
        assertTrue(error("finetune.penalty={name: group_lasso, weight: 1, groups: rows}")
                .contains("finetune.penalty.groups"));
    }

    @Test
    void aPenaltyIsASettingAndHashedOnlyWhenSet() {
        ExperimentSpec plain = parse();
        ExperimentSpec penalised = parse("pretrain.penalty={name: l1_bn, weight: 1e-4}");
        Map<String, Object> tree = Settings.tree(penalised);
        assertEquals(Map.of("name", "l1_bn", "weight", 1e-4), ((Map<?, ?>) tree.get("pretrain")).get("penalty"));
        assertFalse(((Map<?, ?>) Settings.tree(plain).get("pretrain")).containsKey("penalty"));
        Settings.RunConfig a = Settings.configs(Settings.tree(plain)).get(0);
        Settings.RunConfig b = Settings.configs(Settings.tree(penalised)).get(0);
        assertNotEquals(a.config(), b.config());
        assertEquals(1e-4, b.values().get("pretrain.penalty.weight"));
        // a schedule without a penalty hashes as it did before the key existed
        TrainSchedule t = plain.pretrain();
        assertFalse(Canonical.text(t).contains("penalty"));
        assertTrue(Canonical.text(t.withPenalty(PenaltySpec.l1Bn(1e-4))).contains("\"penalty\":{\"name\":\"l1_bn\""));
        // read back from the resolved file: the same settings
        ExperimentSpec again = loader.parse(ResolvedExperimentWriter.toYaml(penalised), "r.yaml", List.of());
        assertEquals(penalised.pretrain(), again.pretrain());
    }
}
