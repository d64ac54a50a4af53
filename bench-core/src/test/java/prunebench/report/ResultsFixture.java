package prunebench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A synthetic results folder as the runner writes it: runs.csv, runs/<id>/layers.csv and epochs.csv, and
 * resolved-experiment.yaml. Accuracies follow smooth deterministic curves so that figures have a known shape.
 */
final class ResultsFixture {
    static final List<String> STRATEGIES = List.of("global-magnitude", "layer-magnitude", "random");
    static final double[] COMPRESSIONS = {1, 2, 4, 8, 16, 32};
    static final int SEEDS = 3;
    static final String[] LAYERS = {"conv1", "conv2", "fc1", "fc2", "fc3"};
    static final long[] LAYER_PARAMS = {150, 2400, 48000, 10080, 840};
    /** Fraction of the dense accuracy lost per strategy, scaled by (log2 c)^2. */
    static final double[] LOSS = {0.0008, 0.0015, 0.0045};
    static final double DENSE_TOP1 = 0.985;

    private ResultsFixture() {}

    static String runId(String strategy, double compression, int seed) {
        return strategy.substring(0, 1) + (int) compression + "s" + seed;
    }

    static double top1(int strategy, double compression, int seed) {
        double l = Math.log(compression) / Math.log(2);
        double noise = ((seed * 7 + (int) compression * 3) % 5 - 2) * 0.0012;
        return compression == 1 ? DENSE_TOP1 + (seed - 1) * 0.001 : DENSE_TOP1 - LOSS[strategy] * l * l + noise;
    }

    /** Writes the folder; the run of "random" at 32x with seed 2 failed. */
    static Path write(Path dir, double accuracyShift) throws IOException {
        Files.createDirectories(dir);
        List<String> lines = new ArrayList<>();
        lines.add(Fixtures.HEADER + ",train_flops,speedup_measured");
        for (int s = 0; s < STRATEGIES.size(); s++) {
            String strategy = STRATEGIES.get(s);
            for (double c : COMPRESSIONS) {
                for (int seed = 0; seed < SEEDS; seed++) {
                    String id = runId(strategy, c, seed);
                    if (strategy.equals("random") && c == 32 && seed == 2) {
                        lines.add(Fixtures.failed(id, strategy, c, seed, "loss became NaN at epoch 2") + ",,");
                        continue;
                    }
                    double top1 = top1(s, c, seed) + accuracyShift;
                    double top5 = 1 - (1 - top1) * 0.15;
                    double speedup = Math.pow(c, 0.75 + 0.05 * s);
                    double pre = c == 1 ? top1 : top1 - 0.01 * Math.log(c) * (s + 1);
                    double trainFlops = 1e12 * (1 + (c == 1 ? 1 : 1 / c) * (1 + 0.2 * s));
                    lines.add(Fixtures.ok(id, strategy, c, seed, top1, top5, pre, speedup)
                            + "," + fmt(trainFlops) + "," + fmt(1 + (speedup - 1) * 0.4));
                    writeRun(dir.resolve("runs").resolve(id), s, c, seed, top1);
                }
            }
        }
        Files.write(dir.resolve(RunsCsv.FILE), lines);
        Files.writeString(dir.resolve(Experiment.SETTINGS_FILE), "name: " + dir.getFileName() + "\nmodel: lenet5\nseeds: [0, 1, 2]\n");
        return dir;
    }

    private static void writeRun(Path runDir, int strategy, double c, int seed, double finalTop1) throws IOException {
        Files.createDirectories(runDir);
        List<String> layers = new ArrayList<>(List.of("layer,shape,parameters,kept,density"));
        for (int i = 0; i < LAYERS.length; i++) {
            // Global magnitude keeps more of the small conv layers and less of the big fc1; the others are uniform.
            double density = strategy == 0 ? Math.min(1, Math.pow(1 / c, 0.4 + 0.25 * i) * (1 + 0.02 * seed)) : 1 / c;
            long kept = Math.round(LAYER_PARAMS[i] * density);
            layers.add(String.join(",", LAYERS[i], "\"[" + i + ", 3]\"", Long.toString(LAYER_PARAMS[i]),
                    Long.toString(kept), fmt((double) kept / LAYER_PARAMS[i])));
        }
        Files.write(runDir.resolve(RunFiles.LAYERS), layers);
        List<String> epochs = new ArrayList<>(List.of("stage,epoch,lr,train_loss,train_top1,test_top1,test_top5,seconds"));
        for (int e = 1; e <= 6; e++) {
            double acc = DENSE_TOP1 - 0.3 * Math.exp(-e) + 0.001 * seed;
            epochs.add(String.join(",", "pretrain", Integer.toString(e), "0.1", fmt(1.5 * Math.exp(-e)), fmt(acc), fmt(acc),
                    fmt(1 - (1 - acc) * 0.15), "3.2"));
        }
        if (c > 1) {
            for (int e = 1; e <= 4; e++) {
                double acc = finalTop1 - 0.02 * (strategy + 1) * Math.exp(-e);
                epochs.add(String.join(",", "finetune", Integer.toString(e), "0.01", "0.1", fmt(acc), fmt(acc),
                        fmt(1 - (1 - acc) * 0.15), "3.1"));
            }
        }
        Files.write(runDir.resolve(RunFiles.EPOCHS), epochs);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
