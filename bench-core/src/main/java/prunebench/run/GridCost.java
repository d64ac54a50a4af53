package prunebench.run;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import prunebench.data.DataShape;
import prunebench.model.ModelFactory;
import prunebench.prune.Timing;

/**
 * What the runs still to do of a grid cost, for {@code --dry-run}: runs, epochs, training images and multiply-adds,
 * and the time on this machine. Each seed's dense pretraining counts once (the runs share it), and so does each dense
 * control. Multiply-adds count a training image as 3x the dense forward pass (forward 1x, backward 2x, as
 * {@code train_flops}): CPU kernels do not skip pruned weights. The time comes from the training throughput of this
 * model measured by earlier runs in the results folder ({@code train_images_per_second}), else from a stored figure
 * of this code's CPU training ({@link #SECONDS_PER_MAC}, {@link #SECONDS_PER_IMAGE}).
 *
 * @param images  training images, all epochs of all runs (and pretraining) together
 * @param macs    multiply-adds of that training; -1 when the model cannot count them without being built
 * @param seconds estimated wall time with {@code workers} parallel runs; NaN when unknown
 */
public record GridCost(int runs, int done, long epochs, long images, double macs, double seconds, int workers,
        int threads, String throughputSource, int cores) {

    /**
     * Training time per multiply-add and per image on one thread, fitted to BENCHMARKS.md's training throughput
     * (`scripts/bench`, 1 thread, load 1-5): LeNet-5 8,031 and ResNet-20 212.5 images/s, at 3x 416,520 and 3x
     * 40,551,040 multiply-adds per image. About 26 GMAC/s plus 77 microseconds of per-image overhead.
     */
    static final double SECONDS_PER_MAC = 3.805e-11;
    static final double SECONDS_PER_IMAGE = 7.70e-5;
    /** Above this, the estimate suggests Slurm or a GPU. */
    private static final double LONG = 12 * 3600;

    /**
     * {@code epochsOf} gives the epochs a run trains after pretraining ({@link RunOutline#totalEpochs}); the time is
     * for this machine's CPU cores.
     */
    public static GridCost of(List<RunSpec> runs, List<RunStatus> statuses, ModelFactory model, DataShape data,
            int workers, int threads, Path resultsDir, java.util.function.ToIntFunction<RunSpec> epochsOf) {
        return of(runs, statuses, model, data, workers, threads, resultsDir, epochsOf,
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * The cost on a machine of {@code cores} CPU cores: threads beyond them add no speed (runs x threads above the
     * cores share them), so the stored throughput is scaled by at most the cores.
     */
    static GridCost of(List<RunSpec> runs, List<RunStatus> statuses, ModelFactory model, DataShape data,
            int workers, int threads, Path resultsDir, java.util.function.ToIntFunction<RunSpec> epochsOf,
            int cores) {
        long epochs = 0;
        int done = 0;
        Set<Long> pretrained = new HashSet<>();
        Set<List<Object>> controls = new HashSet<>();
        for (int i = 0; i < runs.size(); i++) {
            RunSpec r = runs.get(i);
            RunStatus s = statuses.get(i);
            if (s == RunStatus.DONE || s == RunStatus.FAILED || s == RunStatus.RUNNING) {
                done++;
                continue;
            }
            if (r.timing() == Timing.PRETRAINED && pretrained.add(r.seed())) {
                epochs += r.pretrain().epochs();
            }
            if (r.isDenseControl() && !controls.add(List.of(r.seed(), r.timing(), r.pruneClassifier(),
                    r.pruneBiases()))) {
                continue; // the same computation as a control already counted
            }
            epochs += epochsOf.applyAsInt(r);
        }
        long images = epochs * data.trainSize();
        OptionalLong perImage = model.multiplyAdds(new Shape(data.channels(), data.height(), data.width()),
                data.classes());
        double macs = perImage.isPresent() ? 3.0 * perImage.getAsLong() * images : -1;
        OptionalDouble measured = measuredImagesPerSecond(resultsDir, model.name());
        double perWorker;
        String source;
        if (measured.isPresent()) {
            perWorker = measured.getAsDouble();
            source = String.format(Locale.ROOT, "%,.0f images/s per run, measured by earlier runs in this folder",
                    perWorker);
        } else if (perImage.isPresent()) {
            perWorker = Math.min(threads, cores) / (3 * perImage.getAsLong() * SECONDS_PER_MAC + SECONDS_PER_IMAGE);
            source = String.format(Locale.ROOT, "about %,.0f images/s per run, from this code's measured CPU "
                    + "throughput (BENCHMARKS.md)", perWorker);
        } else {
            perWorker = Double.NaN;
            source = "no throughput known for " + model.name();
        }
        int parallel = Math.max(1, Math.min(workers, runs.size() - done));
        // parallel runs of `threads` threads each share the cores: together no faster than the cores allow
        double speedup = Math.min(parallel, Math.max(1.0, (double) cores / Math.min(threads, cores)));
        return new GridCost(runs.size(), done, epochs, images, macs, images / perWorker / speedup, parallel,
                threads, source, cores);
    }

    /** The median training throughput of this model's finished runs in the folder, read without writing. */
    static OptionalDouble measuredImagesPerSecond(Path resultsDir, String model) {
        Path runs = resultsDir.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return OptionalDouble.empty();
        }
        List<Double> rates = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : dirs.toList()) {
                try {
                    RunResult r = ResultStore.parse(Files.readString(d.resolve(ResultStore.METRICS)));
                    double rate = r.train_images_per_second();
                    if (r.ok() && model.equals(r.model()) && rate > 0 && Double.isFinite(rate)) {
                        rates.add(rate);
                    }
                } catch (IOException | RuntimeException e) {
                    // no record, or an unreadable one: no measurement
                }
            }
        } catch (IOException e) {
            return OptionalDouble.empty();
        }
        if (rates.isEmpty()) {
            return OptionalDouble.empty();
        }
        rates.sort(Double::compare);
        return OptionalDouble.of(rates.get(rates.size() / 2));
    }

    /**
     * e.g. {@code 126 runs, 25,000 epochs, 1.25e9 training images, 4.6e17 multiply-adds: about 26 days on 2 CPU
     * cores (2 runs in parallel x 1 thread): use --slurm or a GPU}.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%,d runs", runs));
        if (done > 0) {
            sb.append(String.format(Locale.ROOT, " (%,d done, failed or running; the rest:", done));
        }
        sb.append(String.format(Locale.ROOT, "%s %,d epochs, %s training images", done > 0 ? "" : ",", epochs,
                big(images)));
        if (macs >= 0) {
            sb.append(", ").append(big(macs)).append(" multiply-adds");
        }
        if (done > 0) {
            sb.append(')');
        }
        if (Double.isNaN(seconds)) {
            sb.append("; time unknown (").append(throughputSource).append(')');
            return sb.toString();
        }
        int used = workers * threads;
        // "under a second", not "about under a second"
        sb.append(seconds < 1 ? ": " : ": about ").append(duration(seconds)).append(" on ")
                .append(Math.min(used, cores)).append(" CPU core").append(Math.min(used, cores) == 1 ? "" : "s").append(" (").append(workers)
                .append(" run").append(workers == 1 ? "" : "s").append(" in parallel x ").append(threads)
                .append(" thread").append(threads == 1 ? "" : "s").append("; ").append(throughputSource).append(')');
        if (seconds > LONG) {
            sb.append(": use --slurm or a GPU");
        }
        if (used > cores) {
            sb.append(String.format(Locale.ROOT, "%nwarning: %d run%s x %d thread%s = %d threads on the %d CPU "
                    + "core%s of this machine: threads beyond the cores only compete for them (and slow every run); "
                    + "set threads and workers so that their product is at most %d", workers, workers == 1 ? "" : "s",
                    threads, threads == 1 ? "" : "s", used, cores, cores == 1 ? "" : "s", cores));
        }
        return sb.toString();
    }

    /** 1,234,567 below ten million, 1.2e9 above. */
    static String big(double v) {
        return v < 1e7 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2g", v)
                .replace("e+0", "e").replace("e+", "e");
    }

    static String duration(double s) {
        if (s < 1) {
            return "under a second";
        }
        if (s < 90) {
            return Math.round(s) + " seconds";
        }
        if (s < 90 * 60) {
            return Math.round(s / 60) + " minutes";
        }
        if (s < 36 * 3600) {
            return String.format(Locale.ROOT, "%.1f hours", s / 3600);
        }
        if (s < 365 * 86400) {
            return Math.round(s / 86400) + " days";
        }
        return String.format(Locale.ROOT, "%.1f years", s / (365 * 86400));
    }
}
