package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultStoreTest {
    @TempDir
    Path tmp;

    static RunResult result(String id, double top5) {
        return new RunResult(id, "random", "random", 4, 0, RunResult.OK, "pretrained", 4, 3, 0.9, top5, 0.5,
                Double.NaN, 100, 25, 1000, 300, 0, 0.1, 1000, 2, "lenet5", "synthetic", null, 0, Double.NaN, 1.1, 1,
                null, Double.NaN, Double.NaN, 1.0, 4, 4.5, Double.NaN, Double.NaN);
    }

    @Test
    void metricsJsonIsStrictJsonWithNullForNumbersNeverMeasured() throws IOException {
        ResultStore store = new ResultStore(tmp);
        store.save(result("r1", Double.NaN));
        String json = Files.readString(store.metricsFile("r1"));
        JsonReader strict = new JsonReader(new StringReader(json));
        strict.setStrictness(Strictness.STRICT);
        JsonParser.parseReader(strict);
        assertFalse(json.contains("NaN"), json);
        RunResult back = store.load("r1");
        assertTrue(Double.isNaN(back.top5()) && Double.isNaN(back.top5_pre_finetune()));
        assertEquals(0.9, back.top1());
    }

    @Test
    void anEmptyOrTruncatedMetricsJsonIsNamedSetAsideAndItsRunCountsAsUnfinished() throws IOException {
        List<String> warnings = new ArrayList<>();
        ResultStore store = new ResultStore(tmp, warnings::add);
        store.save(result("good", 0.99));
        store.save(result("empty", 0.99));
        store.save(result("cut", 0.99));
        Files.writeString(store.metricsFile("empty"), "");
        String whole = Files.readString(store.metricsFile("cut"));
        Files.writeString(store.metricsFile("cut"), whole.substring(0, whole.length() / 2));

        List<RunResult> all = store.all();
        assertEquals(List.of("good"), all.stream().map(RunResult::run_id).toList());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains(store.metricsFile("cut").toString())
                && w.contains("truncated")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains(store.metricsFile("empty").toString())
                && w.contains("empty")), warnings.toString());
        assertFalse(store.isFinished("cut"));
        assertFalse(store.isFinished("empty"));
        assertEquals(whole.substring(0, whole.length() / 2),
                Files.readString(store.runDir("cut").resolve("metrics.json.corrupt")), "kept for inspection");
    }
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
