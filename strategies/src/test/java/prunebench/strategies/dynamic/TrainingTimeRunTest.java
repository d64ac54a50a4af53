package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ExperimentSpec;
import prunebench.config.StrategySpec;
import prunebench.data.DatasetRegistry;
import prunebench.model.LeNet5;
import prunebench.model.ModelRegistry;
import prunebench.prune.StrategyRegistry;
import prunebench.run.ExperimentRunner;
import prunebench.run.ResultStore;
import prunebench.run.RunResult;
import prunebench.strategies.structured.SoftFilter;
import prunebench.strategies.structured.TaylorMolchanov2019;
import prunebench.strategies.structured.Taylor;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;

/** The training-time strategies through the grid runner: their plans, counts and final masks. */
class TrainingTimeRunTest {
    @TempDir
    Path tmp;

    @Test
    void everyTrainingTimeStrategyRunsItsPlanAndRecordsItsMasks() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner runner = new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(512, 256, 1, 28, 10, 7))),
                        Map.of()),
                new StrategyRegistry(List.of(new SparseMomentum(), new DynamicReparameterization(),
                        new NetworkSurgery(), new SoftFilter(), new Taylor(), new TaylorMolchanov2019())), new PrintStream(log, true));
        // pretrain 2 + finetune 1 epochs of 16 steps
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(4.0),
                List.of(new StrategySpec("snfs", "snfs", Map.of()),
                        new StrategySpec("dsr", "dsr", Map.of("update_interval", 5)),
                        new StrategySpec("network_surgery", "network_surgery", Map.of()),
                        new StrategySpec("soft_filter", "soft_filter", Map.of("target", "speedup")),
                        new StrategySpec("soft_filter", "soft_filter_removed", Map.of("layers", "channels",
                                "finish", "removed")),
                        new StrategySpec("taylor", "taylor", Map.of("iterations", 2, "steps_between", 3,
                                "batches", 2)),
                        new StrategySpec("taylor_molchanov2019", "taylor_molchanov2019", Map.of("frequency", 3,
                                "per_step", 30))),
                List.of(0L));
        ExperimentRunner.Outcome outcome = runner.run(runner.prepare(spec, tmp), false);
        assertTrue(outcome.failed().isEmpty(), outcome.failed() + "\n" + log);
        Map<String, RunResult> runs = new ResultStore(tmp).all().stream()
                .collect(Collectors.toMap(RunResult::strategy, Function.identity()));

        assertEquals(2, runs.get("snfs").mask_updates(), "after epochs 1 and 2 of 3");
        assertEquals(8, runs.get("dsr").mask_updates(), "after steps 5, 10, ..., 40: before step 45 (95% of 48)");
        // The active count never changes: both end with the kept count of the start (round(parameters / 4) less the
        // unprunable ones). A connection grown where no gradient reaches it (a dead unit) stays exactly zero, so
        // compression_actual, which counts nonzeros, can be a little higher.
        for (String name : List.of("snfs", "dsr")) {
            RunResult r = runs.get(name);
            long prunable = column(r, 2);
            assertEquals(Math.round(r.params() / 4.0) - (r.params() - prunable), column(r, 3), name);
        }
        assertEquals(4.0, runs.get("snfs").compression_actual(), 0.5);
        assertEquals(4.0, runs.get("dsr").compression_actual(), 0.5);

        RunResult dns = runs.get("network_surgery"); // 16 fine-tuning steps, considered until step 12
        assertTrue(dns.mask_updates() >= 10 && dns.mask_updates() <= 11, "updates " + dns.mask_updates());
        assertTrue(dns.compression_actual() > 3 && dns.compression_actual() < 6, "" + dns.compression_actual());

        // at init: 3 epochs; start, after epochs 1 and 2, the last step's zeroing (held) or removal
        RunResult sfp = runs.get("soft_filter"); // zeroes conv filters only: 4x fewer multiply-adds, few parameters
        assertEquals(4, sfp.mask_updates());
        assertTrue(sfp.speedup_theoretical() >= 4, "" + sfp.speedup_theoretical());
        assertTrue(sfp.compression_actual() > 1 && sfp.compression_actual() < 1.05, "" + sfp.compression_actual());
        RunResult removed = runs.get("soft_filter_removed");
        assertEquals(4, removed.mask_updates());
        assertTrue(removed.compression_actual() >= 4, "" + removed.compression_actual());
        assertFalse(Double.isNaN(removed.speedup_measured()), "the rebuilt network is timed");

        RunResult taylor = runs.get("taylor");
        assertTrue(taylor.compression_actual() >= 4, "" + taylor.compression_actual());
        String epochs = Files.readString(tmp.resolve("runs").resolve(taylor.run_id()).resolve("epochs.csv"));
        assertTrue(epochs.contains("round1"), "three steps of fine-tuning between the two prunes:\n" + epochs);
        assertEquals(1, taylor.epochs_trained());

        // pruned while fine-tuning 16 steps: after steps 3, 6, ... 30 channels each until 4x, or the rest after the
        // last step
        RunResult during = runs.get("taylor_molchanov2019");
        assertTrue(during.compression_actual() >= 4, "" + during.compression_actual());
        assertTrue(during.mask_updates() >= 1 && during.mask_updates() <= 5, "" + during.mask_updates());
        assertEquals("pretrained", during.timing());
        assertFalse(Double.isNaN(during.speedup_measured()), "the rebuilt network is timed");
    }

    /** A column of layers.csv summed over the pruned tensors (2: parameters, 3: kept in the final masks). */
    private long column(RunResult run, int column) throws java.io.IOException {
        return Files.readAllLines(tmp.resolve("runs").resolve(run.run_id()).resolve("layers.csv")).stream().skip(1)
                .mapToLong(l -> Long.parseLong(l.split(",")[column])).sum();
    }
}
