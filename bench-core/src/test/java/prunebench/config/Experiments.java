package prunebench.config;

/** Experiment texts shared by the tests. */
final class Experiments {
    private Experiments() {}

    /** The quickstart example of the user documentation, verbatim. */
    static final String QUICKSTART = """
            name: quickstart              # outputs go to results/<name>/
            model: lenet5
            dataset: {name: fashion-mnist, root: null, max_train: null, max_test: null, augment: null}
            seeds: [0, 1]
            device: auto
            threads: 1
            workers: null
            pretrain: {epochs: 3, batch_size: 128, optimizer: {name: sgd, lr: 0.05, momentum: 0.9}, lr_schedule: {name: cosine}}
            finetune: {epochs: 1, batch_size: 128, optimizer: {name: sgd, lr: 0.01, momentum: 0.9}, lr_schedule: {name: constant}}
            pruning:
              compressions: [1, 2, 4, 8, 16, 32]
              prune_classifier: false
              prune_biases: false
              strategies: [random, global_magnitude, {name: snip, iterations: 1, label: snip-1shot}]
            """;

    /** Block style, one key a line, so that tests can name lines: line N is {@code BLOCK.lines()[N - 1]}. */
    static final String BLOCK = """
            name: quickstart
            model: lenet5
            dataset:
              name: fashion-mnist
            seeds: [0, 1]
            pretrain:
              epochs: 3
              optimizer:
                name: sgd
                lr: 0.05
            finetune:
              epochs: 1
            pruning:
              compressions: [1, 2, 4]
              strategies:
                - random
                - {name: snip, iterations: 1, label: snip-1shot}
            """;

    /** {@link #BLOCK} with its line {@code line} (1-based) replaced by {@code text} (which may span lines). */
    static String replaceLine(int line, String text) {
        String[] lines = BLOCK.split("\n", -1);
        lines[line - 1] = text;
        return String.join("\n", lines);
    }
}
