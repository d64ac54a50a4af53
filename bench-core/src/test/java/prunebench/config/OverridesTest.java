package prunebench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static prunebench.config.Experiments.BLOCK;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverridesTest {
    private final ExperimentLoader loader = Fakes.loader();

    private ExperimentSpec load(String yaml, String... overrides) {
        return loader.parse(yaml, "x.yaml", List.of(overrides));
    }

    private String error(String yaml, String... overrides) {
        return assertThrows(ConfigException.class, () -> load(yaml, overrides)).getMessage();
    }

    @Test
    void theDocumentedOverrides(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("quickstart.yaml");
        Files.writeString(file, Experiments.QUICKSTART);

        ExperimentSpec spec = loader.load(file, List.of("pretrain.epochs=1", "seeds=[0]", "pruning.compressions=[1,4]",
                "dataset.max_train=1000", "pruning.strategies=[random]"));

        assertEquals(1, spec.pretrain().epochs());
        assertEquals(0.05, spec.pretrain().optimizer().lr()); // the rest of the block is kept
        assertEquals(List.of(0L), spec.seeds());
        assertEquals(List.of(1.0, 4.0), spec.pruning().compressions());
        assertEquals(1000, spec.dataset().maxTrain());
        assertEquals("fashion-mnist", spec.dataset().name());
        assertEquals(List.of(new StrategySpec("random", "random", Map.of())), spec.pruning().strategies());
    }

    @Test
    void setsValidKeysAbsentFromTheFile() {
        ExperimentSpec spec = load(BLOCK.replace("finetune:\n  epochs: 1\n", ""), "threads=2",
                "finetune.epochs=2", "finetune.optimizer.name=adam", "report.title=Quickstart",
                "pruning.strategies=[random, {name: snip, batches: 4}]", "pretrain.lr_schedule={name: step, milestones: [2]}");

        assertEquals(2, spec.threads());
        assertEquals(new TrainSchedule(2, 128, new OptimizerSpec("adam", 0.001, 0, false, 0, 0.9, 0.999, 1e-8),
                new LrScheduleSpec("constant", 0, List.of(), 0.1)), spec.finetune());
        assertEquals(Map.of("title", "Quickstart"), spec.report());
        assertEquals(new StrategySpec("snip", "snip", Map.of("batches", 4)), spec.pruning().strategies().get(1));
        assertEquals(new LrScheduleSpec("step", 0, List.of(2), 0.1), spec.pretrain().lrSchedule());
    }

    @Test
    void laterOverridesWinAndNullRestoresTheDefault() {
        ExperimentSpec spec = load(BLOCK, "pretrain.epochs=5", "pretrain.epochs=7", "pretrain.optimizer.lr=null",
                "dataset={name: mnist}", "dataset.augment=true");
        assertEquals(7, spec.pretrain().epochs());
        assertEquals(0.1, spec.pretrain().optimizer().lr());
        assertEquals(new DatasetSpec("mnist", null, null, null, true), spec.dataset());
    }

    @Test
    void aMapSharedThroughAnAliasChangesOnlyWhereThePathSays() {
        String yaml = BLOCK.replace("pretrain:\n", "pretrain: &train\n").replace("finetune:\n  epochs: 1\n",
                "finetune: *train\n");
        ExperimentSpec spec = load(yaml, "finetune.epochs=9", "finetune.optimizer.lr=0.5");
        assertEquals(3, spec.pretrain().epochs());
        assertEquals(0.05, spec.pretrain().optimizer().lr());
        assertEquals(9, spec.finetune().epochs());
        assertEquals(0.5, spec.finetune().optimizer().lr());
    }

    @Test
    void unknownKeyInThePathIsAnError() {
        assertEquals("--set pretrain.epochz=1: unknown key 'epochz' in pretrain (did you mean 'epochs'?)",
                error(BLOCK, "pretrain.epochz=1"));
        assertEquals("--set sedes=[1]: unknown key 'sedes' (did you mean 'seeds'?)", error(BLOCK, "sedes=[1]"));
        assertEquals("--set finetune.optimizer.beta1=0.5: unknown key 'beta1' in finetune.optimizer: it belongs to "
                + "adam, not sgd", error(BLOCK, "finetune.optimizer.beta1=0.5"));
    }

    @Test
    void errorsInAnOverrideNameTheOverrideInsteadOfALine() {
        assertEquals("--set pretrain.epochs=abc: pretrain.epochs: expected an integer, got 'abc'",
                error(BLOCK, "pretrain.epochs=abc"));
        assertEquals("--set pretrain.optimizer.lr=-1: pretrain.optimizer.lr: must be a positive number, got -1",
                error(BLOCK, "pretrain.optimizer.lr=-1"));
        assertEquals("--set seeds=[0,1,1]: seeds[2]: duplicate seed 1 (also seeds[1])", error(BLOCK, "seeds=[0,1,1]"));
        assertEquals("--set pruning.strategies=[random, rnd]: pruning.strategies[1]: unknown strategy 'rnd' "
                + "(did you mean 'random'?); valid: global_magnitude, random, snip, typed",
                error(BLOCK, "pruning.strategies=[random, rnd]"));
        assertEquals("--set pretrain={batch_size: 64}: missing required key 'epochs' in pretrain",
                error(BLOCK, "pretrain={batch_size: 64}"));
        assertEquals("--set report.x={a: 1, a: 2}: duplicate key 'a' in report.x (first at --set report.x={a: 1, a: 2})",
                error(BLOCK, "report.x={a: 1, a: 2}"));
        // An error the file still holds keeps its line.
        assertEquals("x.yaml:7: pretrain.epochs: expected an integer, got 'x'",
                error(Experiments.replaceLine(7, "  epochs: x"), "seeds=[4]"));
    }

    @Test
    void malformedExpressions() {
        assertEquals("--set pretrain.epochs: expected path=value with a dotted key path, e.g. --set pretrain.epochs=1",
                error(BLOCK, "pretrain.epochs"));
        assertEquals("--set pretrain..epochs=1: expected path=value with a dotted key path, e.g. --set "
                + "pretrain.epochs=1", error(BLOCK, "pretrain..epochs=1"));
        assertEquals("--set =1: expected path=value with a dotted key path, e.g. --set pretrain.epochs=1",
                error(BLOCK, "=1"));
        String message = error(BLOCK, "seeds=[0,");
        assertTrue(message.startsWith("--set seeds=[0,: malformed value: while parsing a flow node (column 4): "
                + "expected the node content, but found '<stream end>' (column 4)"), message);
        assertEquals("--set seeds.first=1: seeds is a list, not a map with key 'first'; set seeds as a whole instead",
                error(BLOCK, "seeds.first=1"));
        assertEquals("--set name.x=1: name is a single value, not a map with key 'x'; set name as a whole instead",
                error(BLOCK, "name.x=1"));
    }

    @Test
    void aValueMayContainEqualsSigns() {
        assertEquals(Map.of("note", "a=b"), load(BLOCK, "report.note=a=b").report());
    }
}
