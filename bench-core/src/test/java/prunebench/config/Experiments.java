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

    /** Every optional key set to a value other than its default. */
    static final String FULL = """
            name: full-1.0_b
            model: lenet5
            dataset: {name: cifar10, root: /data/c10, max_train: 1_000, max_test: 200, augment: false}
            seeds: [3, 1, 2]
            device: gpu
            threads: 4
            workers: 2
            pretrain:
              epochs: 30
              batch_size: 64
              optimizer: {name: adam, lr: 3e-4, beta1: 0.8, beta2: 0.99, eps: 1.0e-6, weight_decay: 5e-4}
              lr_schedule: {name: step, warmup_epochs: 0.5, milestones: [10, 20], gamma: 0.2}
            finetune:
              epochs: 2
              optimizer: {name: sgd, lr: 0.01, momentum: 0.5, nesterov: true, weight_decay: 1e-4}
              lr_schedule: {name: cosine, warmup_epochs: 1}
            pruning:
              compressions: [1.5, 3, 10]
              prune_classifier: true
              prune_biases: yes
              strategies:
                - {name: typed, alpha: 2, steps: 5, mode: slow, flag: false, distribution: erk}
            report: {metrics: [top1, top5], baseline: random, plot: {log_x: true}}
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
