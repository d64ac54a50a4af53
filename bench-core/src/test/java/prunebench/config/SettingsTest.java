package prunebench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private final ExperimentLoader loader = Fakes.loader();

    private Map<String, String> configs(String... overrides) {
        ExperimentSpec spec = loader.parse(Experiments.QUICKSTART, "q.yaml", List.of(overrides));
        Map<String, String> byLabel = new java.util.TreeMap<>();
        Settings.configs(Settings.tree(spec)).forEach(c -> byLabel.put(c.label(), c.config()));
        return byLabel;
    }

    @Test
    void aConfigIsEverySettingButSeedCompressionLabelAndWhereOrHowFastItRuns() {
        Map<String, String> base = configs();
        assertEquals(3, base.values().stream().distinct().count(), "each strategy is its own config");
        assertEquals(base, configs("seeds=[5]", "pruning.compressions=[2, 64]", "name=other", "device=cpu",
                "threads=4", "workers=3", "dataset.root=/data", "report={title: x}"));
        Map<String, String> relabelled = configs("pruning.strategies=[{name: random, label: rnd}, global_magnitude,"
                + " {name: snip, iterations: 1, label: snip-1shot}]");
        assertEquals(base.get("random"), relabelled.get("rnd"));

        Map<String, String> lr = configs("finetune.optimizer.lr=0.02");
        base.forEach((label, config) -> assertNotEquals(config, lr.get(label), label));
        assertNotEquals(base.get("snip-1shot"), configs("pruning.strategies=[{name: snip, iterations: 2, "
                + "label: snip-1shot}]").get("snip-1shot"));
        assertNotEquals(base.get("random"), configs("dataset.max_train=100").get("random"));
    }

    @Test
    void oneRunsSettingsHaveTheConfigOfTheirStrategyInTheWholeExperiment() {
        ExperimentSpec spec = loader.parse(Experiments.FULL, "f.yaml", List.of());
        for (StrategySpec s : spec.pruning().strategies()) {
            Settings.RunConfig whole = Settings.configs(Settings.tree(spec)).stream()
                    .filter(c -> c.label().equals(s.label())).findFirst().orElseThrow();
            ExperimentSpec one = spec.forRun(spec.seeds().get(0), spec.pruning().compressions().get(0), s,
                    spec.pruning().initScale());
            // As written to runs/<id>/experiment.yaml and read back as plain YAML.
            Settings.RunConfig read = Settings.configs(Settings.readTree(ResolvedExperimentWriter.toYaml(one))).get(0);
            assertEquals(whole.config(), read.config(), s.label());
            assertEquals(whole.values().keySet(), read.values().keySet());
            assertEquals(one, loader.parse(ResolvedExperimentWriter.toYaml(one), "one.yaml", List.of()));
        }
    }

    @Test
    void settingsAreNamedByTheirDottedKeys() {
        ExperimentSpec spec = loader.parse(Experiments.QUICKSTART, "q.yaml", List.of());
        Settings.RunConfig snip = Settings.configs(Settings.tree(spec)).get(2);
        assertEquals(0.01, snip.values().get("finetune.optimizer.lr"));
        assertEquals(1, snip.values().get("strategy.iterations"));
        assertEquals("snip", snip.values().get("strategy.name"));
        assertEquals("0.01", Settings.format(snip.values().get("finetune.optimizer.lr")));
        assertEquals("[10,20]", Settings.format(List.of(10, 20)));
    }
}
