package prunebench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static prunebench.config.Experiments.BLOCK;
import static prunebench.config.Experiments.replaceLine;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every input error is one {@link ConfigException} naming the file and line and the key path. Line numbers refer
 * to {@link Experiments#BLOCK}:
 * <pre>
 *  1 name: quickstart            10     lr: 0.05
 *  2 model: lenet5               11 finetune:
 *  3 dataset:                    12   epochs: 1
 *  4   name: fashion-mnist       13 pruning:
 *  5 seeds: [0, 1]               14   compressions: [1, 2, 4]
 *  6 pretrain:                   15   strategies:
 *  7   epochs: 3                 16     - random
 *  8   optimizer:                17     - {name: snip, iterations: 1, label: snip-1shot}
 *  9     name: sgd
 * </pre>
 */
class ExperimentLoaderErrorsTest {
    private final ExperimentLoader loader = Fakes.loader();

    private String error(String yaml) {
        return assertThrows(ConfigException.class, () -> loader.parse(yaml, "x.yaml", List.of())).getMessage();
    }

    @Test
    void theBaseFileIsValid() {
        assertEquals("quickstart", loader.parse(BLOCK, "x.yaml", List.of()).name());
    }

    @Test
    void malformedYamlGivesSnakeYamlsProblemWithLineAndColumn() {
        String message = error(replaceLine(7, "  epochs: 3: 4"));
        assertTrue(message.startsWith(
                "x.yaml:7: malformed YAML: mapping values are not allowed here (line 7, column 12)\n"), message);
        assertTrue(message.contains("epochs: 3: 4"), message); // SnakeYAML's snippet with a caret

        String flow = error(replaceLine(5, "seeds: [0, 1"));
        assertTrue(flow.startsWith("x.yaml:6: malformed YAML: while parsing a flow sequence (line 5, column 8): "
                + "expected ',' or ']', but got : (line 6, column 9)"), flow);
        String tab = error(replaceLine(7, "\tepochs: 3"));
        assertTrue(tab.startsWith(
                "x.yaml:7: malformed YAML: while scanning for the next token: found character '\\t(TAB)'"), tab);
        String twoDocuments = error("a: 1\n---\nb: 2\n");
        assertTrue(twoDocuments.startsWith("x.yaml:2: malformed YAML: expected a single document in the stream "
                + "(line 1, column 1): but found another document (line 2, column 1)"), twoDocuments);
    }

    @Test
    void unknownKeySuggestsTheClosest() {
        assertEquals("x.yaml:7: unknown key 'epoch' in pretrain (did you mean 'epochs'?)",
                error(replaceLine(7, "  epoch: 3")));
        assertEquals("x.yaml:2: unknown key 'modle' (did you mean 'model'?)", error(replaceLine(2, "modle: lenet5")));
        assertEquals("x.yaml:8: unknown key 'colour' in pretrain; valid keys: batch_size, epochs, lr_schedule, "
                + "optimizer, penalty", error(replaceLine(7, "  epochs: 3\n  colour: red")));
        // Keys belong to the chosen optimizer / schedule.
        assertEquals("x.yaml:11: unknown key 'beta1' in pretrain.optimizer: it belongs to adam, not sgd", error(replaceLine(10, "    lr: 0.05\n    beta1: 0.9")));
        assertEquals("x.yaml:14: unknown key 'gamma' in finetune.lr_schedule: it belongs to step, not cosine",
                error(replaceLine(12, "  epochs: 1\n  lr_schedule: {name: cosine,\n    gamma: 0.5}")));
        assertEquals("x.yaml:17: unknown key 'iteration' in pruning.strategies[1] (did you mean 'iterations'?)",
                error(replaceLine(17, "    - {name: snip, iteration: 1}")));
        assertEquals("x.yaml:4: merge keys (<<) are not supported in dataset; write the keys out",
                error(replaceLine(3, "dataset:\n  <<: {max_train: 5}")));
    }

    @Test
    void wrongType() {
        assertEquals("x.yaml:7: pretrain.epochs: expected an integer, got 'abc'", error(replaceLine(7, "  epochs: abc")));
        assertEquals("x.yaml:7: pretrain.epochs: expected an integer, got '2.5'", error(replaceLine(7, "  epochs: 2.5")));
        assertEquals("x.yaml:7: pretrain.epochs: expected an integer, got 'abc'", error(replaceLine(7, "  epochs: !!int abc")));
        assertEquals("x.yaml:15: pruning.prune_biases: expected true or false, got 'maybe'",
                error(replaceLine(14, "  compressions: [1, 2, 4]\n  prune_biases: !!bool maybe")));
        assertEquals("x.yaml:19: report.x: expected a number, got 'abc'", error(BLOCK + "report:\n  x: !!float abc\n"));
        assertEquals("x.yaml:18: save_weights: expected true or false, got 'sometimes'",
                error(BLOCK + "save_weights: sometimes\n"));
        assertEquals("x.yaml:19: report.x[0]: a YAML alias refers to a value that contains it",
                error(BLOCK + "report:\n  x: &loop [*loop]\n"));
        assertEquals("x.yaml:10: pretrain.optimizer.lr: expected a number, got 'fast'",
                error(replaceLine(10, "    lr: fast")));
        assertEquals("x.yaml:5: seeds: expected a list, got '0'", error(replaceLine(5, "seeds: 0")));
        assertEquals("x.yaml:6: pretrain: expected a map, got '3'", error(replaceLine(6, "pretrain: 3")
                .replace("  epochs: 3\n  optimizer:\n    name: sgd\n    lr: 0.05\n", "")));
        assertEquals("x.yaml:15: pruning.prune_biases: expected true or false, got 'maybe'",
                error(replaceLine(14, "  compressions: [1, 2, 4]\n  prune_biases: maybe")));
        assertEquals("x.yaml:5: seeds[1]: expected an integer, got a list", error(replaceLine(5, "seeds: [0, [1]]")));
        assertEquals("x.yaml:17: pruning.strategies[1].alpha: expected a number, got 'big'",
                error(replaceLine(17, "    - {name: typed, alpha: big}")));
        assertEquals("x.yaml:17: pruning.strategies[1].steps: expected an integer, got '1.5'",
                error(replaceLine(17, "    - {name: typed, steps: 1.5}")));
        assertEquals("x.yaml:17: pruning.strategies[1].flag: expected true or false, got '1'",
                error(replaceLine(17, "    - {name: typed, flag: 1}")));
        assertEquals("x.yaml:17: pruning.strategies[1].iterations: must be a positive integer, got 0",
                error(replaceLine(17, "    - {name: snip, iterations: 0}")));
        assertEquals("x.yaml:17: pruning.strategies[1].batches: null is not a value; leave the key out to use the "
                + "default", error(replaceLine(17, "    - {name: snip, batches: null}")));
        assertEquals("x.yaml:19: report.x: unsupported tag '!foo'", error(BLOCK + "report:\n  x: !foo 1\n"));
    }

    @Test
    void missingRequiredKey() {
        assertEquals("x.yaml:1: missing required key 'model'", error(BLOCK.replace("model: lenet5\n", "")));
        assertEquals("x.yaml:6: missing required key 'epochs' in pretrain", error(BLOCK.replace("  epochs: 3\n", "")));
        assertEquals("x.yaml:3: missing required key 'name' in dataset",
                error(replaceLine(4, "  root: /data")));
        assertEquals("x.yaml:13: missing required key 'strategies' in pruning",
                error(BLOCK.substring(0, BLOCK.indexOf("  strategies:"))));
        assertEquals("x.yaml:8: missing required key 'milestones' in pretrain.lr_schedule",
                error(replaceLine(8, "  lr_schedule:\n    name: step\n  optimizer:")));
        assertEquals("x.yaml:17: missing required key 'name' in pruning.strategies[1]",
                error(replaceLine(17, "    - {label: x, iterations: 1}")));
    }

    @Test
    void emptyLists() {
        assertEquals("x.yaml:5: seeds: must not be empty", error(replaceLine(5, "seeds: []")));
        assertEquals("x.yaml:14: pruning.compressions: must not be empty", error(replaceLine(14, "  compressions: []")));
        assertEquals("x.yaml:15: pruning.strategies: must not be empty",
                error(BLOCK.substring(0, BLOCK.indexOf("  strategies:")) + "  strategies: []\n"));
        assertEquals("x.yaml:9: pretrain.lr_schedule.milestones: must not be empty",
                error(replaceLine(8, "  lr_schedule: {name: step,\n    milestones: []}\n  optimizer:")));
    }

    @Test
    void duplicates() {
        assertEquals("x.yaml:5: seeds[2]: duplicate seed 0 (also seeds[0])", error(replaceLine(5, "seeds: [0, 1, 0]")));
        assertEquals("x.yaml:14: pruning.compressions[2]: duplicate compression 2.0 (also pruning.compressions[1])",
                error(replaceLine(14, "  compressions: [1, 2, 2.0]")));
        assertEquals("x.yaml:17: pruning.strategies[1]: duplicate label 'random' (also pruning.strategies[0]); "
                + "give one of them a different label", error(replaceLine(17, "    - {name: snip, label: random}")));
        // "x,y" and "x_y" both read x_y in run ids: the second strategy's runs would be the first's.
        assertEquals("x.yaml:17: pruning.strategies[1]: label 'x_y' collides with label 'x,y' (pruning.strategies[0]): "
                + "both become 'x_y' in run ids; give one of them a label that differs in letters, digits, '.', '_' "
                + "or '-'", error(replaceLine(16, "    - {name: random, label: 'x,y'}").replace(
                        "label: snip-1shot", "label: x_y")));
        assertEquals("x.yaml:17: pruning.strategies[1]: label 'Snip' collides with label 'snip' "
                + "(pruning.strategies[0]): their run ids differ only in letter case; give one of them a label that "
                + "differs in letters, digits, '.', '_' or '-'", error(replaceLine(16, "    - {name: random, "
                        + "label: snip}").replace("label: snip-1shot", "label: Snip")));
        assertEquals("x.yaml:8: duplicate key 'epochs' in pretrain (first at x.yaml:7)",
                error(replaceLine(7, "  epochs: 3\n  epochs: 4")));
        assertEquals("x.yaml:17: duplicate key 'name' in pruning.strategies[1] (first at x.yaml:17)",
                error(replaceLine(17, "    - {name: snip, name: random}")));
    }

    @Test
    void reportSectionErrorsGetTheLineOfTheirKey() {
        ExperimentLoader checked = Fakes.loader(prunebench.report.ReportSpec::parse);
        String base = BLOCK + "report:\n  title: t\n  density_profile:\n    compression: 0.5\n";
        java.util.function.Function<String, String> error = yaml -> assertThrows(ConfigException.class,
                () -> checked.parse(yaml, "x.yaml", List.of())).getMessage();
        assertTrue(error.apply(base).startsWith("x.yaml:21: report.density_profile.compression: expected a "
                + "compression ratio >= 1"), error.apply(base));
        String unknown = error.apply(base.replace("  title: t\n", "  title: t\n  metrics: [top1]\n"));
        assertTrue(unknown.startsWith("x.yaml:20: report: unknown key 'metrics' (did you mean 'metric'?)"), unknown);
        String item = error.apply(BLOCK + "report:\n  compare:\n    - [random, snip-1shot]\n    - [random]\n");
        assertTrue(item.startsWith("x.yaml:21: report.compare[1]: expected a pair"), item);
        String section = error.apply(BLOCK + "report:\n  format: []\n");
        assertTrue(section.startsWith("x.yaml:19: report.format: "), section);
    }

    @Test
    void outOfRange() {
        assertEquals("x.yaml:7: pretrain.epochs: must be a non-negative integer, got -1",
                error(replaceLine(7, "  epochs: -1")));
        assertEquals("x.yaml:10: pretrain.optimizer.lr: must be a positive number, got -0.1",
                error(replaceLine(10, "    lr: -0.1")));
        assertEquals("x.yaml:10: pretrain.optimizer.lr: must be a positive number, got 0",
                error(replaceLine(10, "    lr: 0")));
        assertEquals("x.yaml:10: pretrain.optimizer.lr: must be a positive number, got .inf",
                error(replaceLine(10, "    lr: .inf")));
        assertEquals("x.yaml:13: finetune.batch_size: must be a positive integer, got 0",
                error(replaceLine(12, "  epochs: 1\n  batch_size: 0")));
        assertEquals("x.yaml:14: pruning.compressions[0]: must be a compression ratio from 1 (dense) to 1e12 (no "
                + "network has more parameters), got 0.5", error(replaceLine(14, "  compressions: [0.5, 2]")));
        assertEquals("x.yaml:14: pruning.compressions[1]: must be a compression ratio from 1 (dense) to 1e12 (no "
                + "network has more parameters), got 1e300", error(replaceLine(14, "  compressions: [1, 1e300]")));
        assertEquals("x.yaml:5: seeds[1]: must be a non-negative integer, got -3", error(replaceLine(5, "seeds: [0, -3]")));
        assertEquals("x.yaml:5: seeds[0]: must be a non-negative integer, got 99999999999999999999",
                error(replaceLine(5, "seeds: [99999999999999999999]")));
        assertEquals("x.yaml:3: threads: must be an integer from 1 to 256, got 0",
                error(replaceLine(2, "model: lenet5\nthreads: 0")));
        assertEquals("x.yaml:3: workers: must be an integer from 1 to 256, or null, got 0",
                error(replaceLine(2, "model: lenet5\nworkers: 0")));
        // Bounded on every machine alike: 100000 threads took minutes to create before anything was checked.
        assertEquals("x.yaml:3: threads: must be an integer from 1 to 256, got 100000",
                error(replaceLine(2, "model: lenet5\nthreads: 100000")));
        assertEquals("x.yaml:3: workers: must be an integer from 1 to 256, or null, got 257",
                error(replaceLine(2, "model: lenet5\nworkers: 257")));
        assertEquals("x.yaml:5: dataset.max_train: must be a positive number of examples (or null for all), got 0",
                error(replaceLine(4, "  name: fashion-mnist\n  max_train: 0")));
        assertEquals("x.yaml:10: pretrain.optimizer.beta2: must be in [0, 1), got 1",
                error(replaceLine(9, "    name: adam\n    beta2: 1").replace("    lr: 0.05\n", "")));
        assertEquals("x.yaml:11: pretrain.optimizer.nesterov: nesterov needs a positive momentum",
                error(replaceLine(10, "    momentum: 0\n    nesterov: true")));
        assertEquals("x.yaml:9: pretrain.lr_schedule.milestones[1]: milestones must increase, got 5 after 10",
                error(replaceLine(8, "  lr_schedule: {name: step,\n    milestones: [10, 5]}\n  optimizer:")));
    }

    @Test
    void unknownNamesListTheValidOnes() {
        assertEquals("x.yaml:2: model: unknown model 'lenet' (did you mean 'lenet5'?); valid: lenet300100, lenet5",
                error(replaceLine(2, "model: lenet")));
        assertEquals("x.yaml:4: dataset.name: unknown dataset 'fashion_mnist' (did you mean 'fashion-mnist'?); "
                + "valid: cifar10, fashion-mnist, mnist", error(replaceLine(4, "  name: fashion_mnist")));
        assertEquals("x.yaml:16: pruning.strategies[0]: unknown strategy 'randmo' (did you mean 'random'?); "
                + "valid: global_magnitude, random, snip, typed", error(replaceLine(16, "    - randmo")));
        assertEquals("x.yaml:17: pruning.strategies[1].name: unknown strategy 'grasp'; "
                + "valid: global_magnitude, random, snip, typed", error(replaceLine(17, "    - {name: grasp}")));
        assertEquals("x.yaml:9: pretrain.optimizer.name: unknown optimizer 'sgdm' (did you mean 'sgd'?); "
                + "valid: adam, sgd", error(replaceLine(9, "    name: sgdm")));
        assertEquals("x.yaml:13: finetune.lr_schedule.name: unknown lr schedule 'cosine_annealing'; "
                + "valid: constant, cosine, step",
                error(replaceLine(12, "  epochs: 1\n  lr_schedule: {name: cosine_annealing}")));
        assertEquals("x.yaml:3: device: unknown device 'cuda' (did you mean 'auto'?); valid: auto, cpu, gpu",
                error(replaceLine(2, "model: lenet5\ndevice: cuda")));
    }

    @Test
    void invalidName() {
        assertEquals("x.yaml:1: name: invalid name 'my run': use letters, digits, '.', '_' and '-' (it names the "
                + "folder results/<name>/)", error(replaceLine(1, "name: my run")));
        assertTrue(error(replaceLine(1, "name: ..")).startsWith("x.yaml:1: name: invalid name '..'"));
        assertTrue(error(replaceLine(1, "name: a/b")).startsWith("x.yaml:1: name: invalid name 'a/b'"));
        assertEquals("x.yaml:1: name: expected a string, got null", error(replaceLine(1, "name:")));
    }

    @Test
    void wholeFileProblems(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertEquals("x.yaml: the file is empty; expected a map of experiment keys", error("# nothing\n"));
        assertEquals("x.yaml:1: expected a map, got a list", error("- a\n- b\n"));
        assertEquals("x.yaml:1: expected a map, got a list", assertThrows(ConfigException.class,
                () -> loader.parse("- a\n", "x.yaml", List.of("seeds=[1]"))).getMessage());
        assertEquals("x.yaml:19: keys must be plain names in report", error(BLOCK + "report:\n  ? [a, b]\n  : 1\n"));
        Path missing = dir.resolve("nope.yaml");
        assertEquals(missing + ": no such experiment file",
                assertThrows(ConfigException.class, () -> loader.load(missing)).getMessage());
    }
}
