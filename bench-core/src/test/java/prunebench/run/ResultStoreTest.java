package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResultStoreTest {
    @Test
    void aRecordWrittenBeforeSpeedupMeasuredExistedReadsItAsNaNNotZero() {
        String old = "{\"run_id\": \"r1\", \"strategy\": \"random\", \"compression\": 4.0, \"seed\": 0, \"status\": \"ok\","
                + " \"top1\": 0.9, \"top5\": NaN, \"params\": 61706}";
        RunResult r = ResultStore.parse(old);
        assertEquals("r1", r.run_id());
        assertEquals(0.9, r.top1());
        assertTrue(Double.isNaN(r.top5()));
        assertEquals(61_706, r.params());
        assertTrue(Double.isNaN(r.speedup_measured()));
        assertEquals(1.7, ResultStore.parse(old.replace("}", ", \"speedup_measured\": 1.7}")).speedup_measured());
    }

    private static java.util.Optional<prunebench.config.Settings.RunConfig> config(String label, Object... keyValues) {
        java.util.Map<String, Object> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return java.util.Optional.of(new prunebench.config.Settings.RunConfig(label,
                prunebench.config.Settings.hash(values), values));
    }

    @Test
    void settingsColumnsAreTheKeysThatDifferAndStrategyParametersOnlyWithinALabel() {
        java.util.List<String> labels = java.util.List.of("grasp", "grasp", "snip", "snip", "old");
        var configs = java.util.List.of(
                config("grasp", "finetune.optimizer.lr", 0.01, "pretrain.epochs", 3, "strategy.name", "grasp",
                        "strategy.temperature", 200),
                config("grasp", "finetune.optimizer.lr", 0.02, "pretrain.epochs", 3, "strategy.name", "grasp",
                        "strategy.temperature", 200),
                config("snip", "finetune.optimizer.lr", 0.01, "pretrain.epochs", 3, "strategy.name", "snip",
                        "strategy.batches", 1),
                config("snip", "finetune.optimizer.lr", 0.01, "pretrain.epochs", 3, "strategy.name", "snip",
                        "strategy.batches", 2),
                java.util.Optional.<prunebench.config.Settings.RunConfig>empty()); // a run from before settings
        assertEquals(java.util.List.of("finetune.optimizer.lr", "strategy.batches"),
                ResultStore.differingSettings(labels, configs));
    }
}
