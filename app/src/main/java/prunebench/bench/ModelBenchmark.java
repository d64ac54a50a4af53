package prunebench.bench;

import static prunebench.bench.CsvRows.median;
import static prunebench.bench.CsvRows.row;
import static prunebench.bench.ProcessUsage.cpuNanos;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import prunebench.config.TrainSchedule;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.ModelFactory;
import prunebench.model.ModelRegistry;
import prunebench.model.Network;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.train.EpochRecord;
import prunebench.train.Evaluator;
import prunebench.train.Optimizer;
import prunebench.train.Trainer;
import prunebench.train.TrainingListener;

/**
 * {@code model MODEL [--batch B] [--steps S] [--reps R] [--warmup-epochs W] [--what train,infer]}: training through
 * the real {@link Trainer} (images/s, images per CPU-second, peak memory, the cost of one mask application) and
 * inference through {@link Evaluator}; see {@link Bench}.
 */
final class ModelBenchmark {
    private ModelBenchmark() {
    }

    static int run(BenchArgs args) {
        String name = args.subject();
        BenchArgs.LoopSizes sizes = args.loopSizes();
        int batch = sizes.batch();
        int steps = sizes.steps();
        String what = args.option("what", "train,infer");
        ModelFactory factory = new ModelRegistry().get(name);
        Shape shape = Workloads.inputShape(name);
        boolean augment = shape.get(0) == 3;
        ImageData data = Workloads.synthetic((int) shape.get(0), (int) shape.get(1), batch * steps, batch * steps,
                augment);
        Device device = Device.cpu();
        BatchLoader train = new BatchLoader(data, data.train(), augment, device);
        BatchLoader test = new BatchLoader(data, data.test(), false, device);
        // The trainer evaluates after each epoch (excluded from its images/s): a one-example test split keeps it short.
        ImageData tiny = new ImageData("tiny", data.channels(), data.height(), data.width(), 10, data.train(),
                data.test().head(1, data.sampleSize()), augment);
        BatchLoader tinyTest = new BatchLoader(tiny, tiny.test(), false, device);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Network network = Network.create(factory, shape, 10, manager, 0);
            if (what.contains("train")) {
                train(name, network, manager, train, tinyTest, sizes);
            }
            if (what.contains("infer")) {
                infer(name, network, manager, test, sizes);
            }
        }
        return 0;
    }

    /** Rows train, train_cpu, peak_rss and mask_apply: R epochs after W of warm-up, medians over the epochs. */
    private static void train(String name, Network network, NDManager manager, BatchLoader train,
            BatchLoader tinyTest, BenchArgs.LoopSizes sizes) {
        int batch = sizes.batch();
        int warmup = sizes.warmup();
        TrainSchedule schedule = Workloads.sgd(warmup + sizes.reps(), batch);
        Trainer trainer = new Trainer(network, manager, train, tinyTest, 0);
        List<Double> rates = new ArrayList<>();
        List<Double> cpuRates = new ArrayList<>();
        long[] cpuMark = {cpuNanos()};
        int examples = train.size();
        trainer.addListener(new TrainingListener() {
            @Override
            public void afterEpoch(EpochRecord r) {
                long cpu = cpuNanos();
                if (r.epoch() > warmup) {
                    rates.add(r.imagesPerSecond());
                    cpuRates.add(examples / ((cpu - cpuMark[0]) / 1e9));
                }
                cpuMark[0] = cpu;
            }
        });
        try (Optimizer optimizer = trainer.newOptimizer(schedule)) {
            trainer.train("bench", schedule, optimizer, null, 0);
        }
        double rate = median(rates.stream().mapToDouble(Double::doubleValue).toArray());
        System.err.printf(Locale.ROOT, "bench: %s train images/s per repetition: %s%n", name, rates.stream()
                .map(v -> String.format(Locale.ROOT, "%.1f", v)).toList());
        row("train", name, batch, rate, "images/s");
        row("train_cpu", name, batch, median(cpuRates.stream().mapToDouble(Double::doubleValue).toArray()),
                "images/cpu-s");
        row("peak_rss", name, batch, ProcessUsage.peakRssMiB(), "MiB");
        double stepSeconds = batch / rate;
        double apply = maskApplySeconds(network, manager);
        row("mask_apply", name, batch, 100 * apply / stepSeconds, "% of step");
    }

    /** Rows infer and infer_cpu: R passes over the test split after W of warm-up, medians over the passes. */
    private static void infer(String name, Network network, NDManager manager, BatchLoader test,
            BenchArgs.LoopSizes sizes) {
        int batch = sizes.batch();
        int reps = sizes.reps();
        for (int i = 0; i < sizes.warmup(); i++) {
            Evaluator.evaluate(network, test, manager, batch);
        }
        double[] rates = new double[reps];
        double[] cpuRates = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            long c0 = cpuNanos();
            Evaluator.evaluate(network, test, manager, batch);
            rates[i] = (double) test.size() / ((System.nanoTime() - t0) / 1e9);
            cpuRates[i] = (double) test.size() / ((cpuNanos() - c0) / 1e9);
        }
        row("infer", name, batch, median(rates), "images/s");
        row("infer_cpu", name, batch, median(cpuRates), "images/cpu-s");
    }

    /** Median time of one application of random 4x masks to the prunable weights. */
    static double maskApplySeconds(Network network, NDManager manager) {
        List<PruningTarget> targets = PruningTargets.of(network, false, false);
        try (MaskSet masks = MaskSet.dense(targets, manager)) {
            Random r = new Random(1);
            for (PruningTarget t : targets) {
                float[] m = new float[Math.toIntExact(t.size())];
                for (int i = 0; i < m.length; i++) {
                    m[i] = r.nextInt(4) == 0 ? 1f : 0f;
                }
                masks.set(t.name(), manager.create(m, t.array().getShape()));
            }
            int n = 200;
            double[] seconds = new double[n];
            for (int i = -20; i < n; i++) {
                long t0 = System.nanoTime();
                masks.apply();
                if (i >= 0) {
                    seconds[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            return median(seconds);
        }
    }
}
