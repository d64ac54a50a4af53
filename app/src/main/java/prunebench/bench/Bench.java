package prunebench.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import prunebench.config.DatasetSpec;
import prunebench.config.LrScheduleSpec;
import prunebench.config.OptimizerSpec;
import prunebench.config.TrainSchedule;
import prunebench.data.BatchLoader;
import prunebench.data.DatasetRegistry;
import prunebench.data.ImageData;
import prunebench.model.ModelFactory;
import prunebench.model.ModelRegistry;
import prunebench.model.Network;
import prunebench.prune.CompressionBudget;
import prunebench.prune.MaskSet;
import prunebench.prune.Pruner;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyOptions;
import prunebench.prune.StrategyRegistry;
import prunebench.train.EpochRecord;
import prunebench.train.Evaluator;
import prunebench.train.Optimizer;
import prunebench.train.Trainer;
import prunebench.train.TrainingListener;

/**
 * The measurements behind {@code scripts/bench}, one per JVM (the script starts a fresh one for each, so that
 * peak memory and warm-up belong to that measurement alone). Threads come from
 * {@code -Dai.djl.pytorch.num_threads}, which libtorch reads once. Every line printed on stdout is a CSV row
 * {@code benchmark,model,threads,batch,value,unit}; notes go to stderr.
 *
 * <ul>
 *   <li>{@code model MODEL [--batch B] [--steps S] [--reps R] [--warmup-epochs W]}: training images/s through the
 *       real {@link Trainer} (an epoch of S steps per repetition; W epochs of warm-up excluded; median over R),
 *       peak resident memory (VmHWM) right after training, the time of one {@link MaskSet#apply()} (4x
 *       compression, random masks) as % of the median training step, and inference images/s through
 *       {@link Evaluator} at batch B. Data: random pixels of the model's input shape, as batches assembled by
 *       {@link BatchLoader} from bytes (with the ResNet augmentation for CIFAR models).
 *   <li>{@code step MODEL [--batch B] [--steps S] [--reps R] [--phases true]}: the bare training step
 *       ({@code train_step}), see {@link #step()}.
 *   <li>{@code score STRATEGY [--model resnet20] [--compression C]}: seconds of scoring (time inside
 *       {@code score()}) and of the whole pruning (scoring plus exact top-k, over the strategy's default
 *       {@code iterations} rounds) at compression C of a fresh network. A strategy missing from the registry prints
 *       nothing and exits 3.
 *   <li>{@code load DATASET [--root DIR]}: seconds to locate and decode a dataset through the registry (whatever
 *       caches the reader keeps). A dataset that is not present prints nothing and exits 3.
 * </ul>
 */
public final class Bench {
    static final int MISSING = 3;

    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Bench(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: Bench model MODEL [--batch 128] [--steps 10] [--reps 5] [--warmup-epochs 1] "
                    + "[--what train,infer]\n       Bench step MODEL [--batch 128] [--steps 10] [--reps 5] [--phases true]\n"
                    + "       Bench score STRATEGY [--model resnet20] [--compression 16]\n"
                    + "       Bench load DATASET [--root DIR]");
            System.exit(2);
        }
        Bench bench = new Bench(Arrays.copyOfRange(args, 1, args.length));
        int code = switch (args[0]) {
            case "model" -> bench.model();
            case "step" -> bench.step();
            case "score" -> bench.score();
            case "load" -> bench.load();
            default -> {
                System.err.println("unknown measurement " + args[0]);
                yield 2;
            }
        };
        System.exit(code);
    }

    private int intOption(String name, int fallback) {
        return options.containsKey(name) ? Integer.parseInt(options.get(name)) : fallback;
    }

    static String threads() {
        return System.getProperty("ai.djl.pytorch.num_threads", "default");
    }

    static void row(String benchmark, String model, Object batch, double value, String unit) {
        System.out.printf(Locale.ROOT, "%s,%s,%s,%s,%s,%s%n", benchmark, model, threads(), batch,
                format(value), unit);
        System.out.flush();
    }

    static String format(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v)
                : Math.abs(v) >= 1 ? String.format(Locale.ROOT, "%.3f", v)
                : String.format(Locale.ROOT, "%.4f", v);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Random pixels and labels of a model's input shape (throughput does not depend on pixel values). */
    static ImageData synthetic(int channels, int size, int train, int test, boolean augment) {
        Random r = new Random(0);
        int sample = channels * size * size;
        ImageData.Split[] splits = new ImageData.Split[2];
        int[] counts = {train, test};
        for (int s = 0; s < 2; s++) {
            byte[] px = new byte[counts[s] * sample];
            r.nextBytes(px);
            int[] labels = new int[counts[s]];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = r.nextInt(10);
            }
            splits[s] = new ImageData.Split(px, labels);
        }
        return new ImageData("synthetic", channels, size, size, 10, splits[0], splits[1], augment);
    }

    static Shape inputShape(String model) {
        return model.startsWith("lenet") ? new Shape(1, 28, 28) : new Shape(3, 32, 32);
    }

    private int model() {
        String name = positional.get(0);
        int batch = intOption("batch", 128);
        int steps = intOption("steps", 10);
        int reps = intOption("reps", 5);
        int warmup = intOption("warmup-epochs", 2);
        String what = options.getOrDefault("what", "train,infer");
        ModelFactory factory = new ModelRegistry().get(name);
        Shape shape = inputShape(name);
        boolean augment = shape.get(0) == 3;
        ImageData data = synthetic((int) shape.get(0), (int) shape.get(1), batch * steps, batch * steps, augment);
        Device device = Device.cpu();
        BatchLoader train = new BatchLoader(data, data.train(), augment, device);
        BatchLoader test = new BatchLoader(data, data.test(), false, device);
        // The trainer evaluates after each epoch (excluded from its images/s): a one-example test split keeps it short.
        ImageData tiny = new ImageData("tiny", data.channels(), data.height(), data.width(), 10, data.train(),
                data.test().head(1, data.sampleSize()), augment);
        BatchLoader tinyTest = new BatchLoader(tiny, tiny.test(), false, device);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Network network = Network.create(factory, shape, 10, manager, 0);
            double stepSeconds = Double.NaN;
            if (what.contains("train")) {
                TrainSchedule schedule = new TrainSchedule(warmup + reps, batch,
                        new OptimizerSpec("sgd", 0.01, 0.9, false, 0, 0.9, 0.999, 1e-8),
                        new LrScheduleSpec("constant", 0, List.of(), 0.1));
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
                row("peak_rss", name, batch, peakRssMiB(), "MiB");
                stepSeconds = batch / rate;
                double apply = maskApplySeconds(network, manager);
                row("mask_apply", name, batch, 100 * apply / stepSeconds, "% of step");
            }
            if (what.contains("infer")) {
                for (int i = 0; i < warmup; i++) {
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
        }
        return 0;
    }

    /**
     * {@code step MODEL [--batch B] [--steps S] [--reps R] [--warmup-epochs W] [--phases true]}: the bare training
     * step, as {@code scripts/bench-pytorch.py --what step}: forward, cross-entropy, backward, SGD (momentum 0.9)
     * step and zeroed gradients on batches assembled once before timing (S distinct batches, cycled); no loss read,
     * accuracy, masks or listeners. Rows {@code train_step} and {@code train_step_cpu}; with {@code --phases} also
     * the median milliseconds of each phase ({@code phase_forward}, ...; libtorch on the CPU runs synchronously),
     * wall clock and CPU time of the calling thread ({@code phase_forward_cpu}: the work at one thread).
     */
    private int step() {
        String name = positional.get(0);
        int batch = intOption("batch", 128);
        int steps = intOption("steps", 10);
        int reps = intOption("reps", 5);
        int warmup = intOption("warmup-epochs", 2);
        boolean phases = Boolean.parseBoolean(options.getOrDefault("phases", "false"));
        Shape shape = inputShape(name);
        boolean augment = shape.get(0) == 3;
        ImageData data = synthetic((int) shape.get(0), (int) shape.get(1), batch * steps, 1, augment);
        BatchLoader loader = new BatchLoader(data, data.train(), augment, Device.cpu());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network network = Network.create(new ModelRegistry().get(name), shape, 10, manager, 0);
            Trainer trainer = new Trainer(network, manager, loader, loader, 0);
            TrainSchedule schedule = new TrainSchedule(1, batch,
                    new OptimizerSpec("sgd", 0.01, 0.9, false, 0, 0.9, 0.999, 1e-8),
                    new LrScheduleSpec("constant", 0, List.of(), 0.1));
            int[] order = loader.order(0, 0, true);
            Random rng = loader.augmentation(0, 0);
            List<BatchLoader.Batch> batches = new ArrayList<>();
            for (int b = 0; b < steps; b++) {
                batches.add(loader.batch(manager, order, b, batch, rng));
            }
            String[] names = Trainer.Step.PHASES;
            List<double[]> phaseMs = new ArrayList<>();
            double[] rates = new double[reps];
            double[] cpuRates = new double[reps];
            try (Optimizer optimizer = trainer.newOptimizer(schedule)) {
                Trainer.Step step = trainer.newStep(optimizer);
                for (int r = -warmup; r < reps; r++) {
                    long t0 = System.nanoTime();
                    long c0 = cpuNanos();
                    for (BatchLoader.Batch b : batches) {
                        Trainer.PhaseClock clock = phases ? new Trainer.PhaseClock() : null;
                        try (NDManager scope = manager.newSubManager()) {
                            // DJL puts an op's result on its input's manager: the step's arrays must go to scope.
                            scope.tempAttachAll(b.images(), b.labels());
                            step.run(scope, b.images(), b.labels(), 0.01, clock);
                        }
                        if (r >= 0 && phases) {
                            double[] ms = new double[2 * names.length];
                            for (int i = 0; i < names.length; i++) {
                                ms[i] = clock.wallNanos[i] / 1e6;
                                ms[names.length + i] = clock.cpuNanos[i] / 1e6;
                            }
                            phaseMs.add(ms);
                        }
                    }
                    if (r >= 0) {
                        rates[r] = (double) steps * batch / ((System.nanoTime() - t0) / 1e9);
                        cpuRates[r] = (double) steps * batch / ((cpuNanos() - c0) / 1e9);
                    }
                }
            }
            if (phases) {
                // What the whole loop adds per step: assembling a batch from bytes (with augmentation for CIFAR).
                java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
                double[] assemble = new double[steps * reps];
                for (int i = 0; i < assemble.length; i++) {
                    try (NDManager scope = manager.newSubManager()) {
                        long c0 = threads.getCurrentThreadCpuTime();
                        loader.batch(scope, order, i % steps, batch, rng);
                        assemble[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
                    }
                }
                row("phase_assemble_cpu", name, batch, median(assemble), "thread-cpu-ms");
                // The fixed cost of one op through DJL's JNI (a 1-element add, its result freed), to count against
                // the ops of a step; bench-pytorch.py measures the same through Python.
                try (NDManager s = manager.newSubManager()) {
                    NDArray x = s.create(1f);
                    NDArray y = s.create(2f);
                    double[] perOp = new double[7];
                    for (int k = -2; k < perOp.length; k++) {
                        long c0 = threads.getCurrentThreadCpuTime();
                        for (int i = 0; i < 2000; i++) {
                            x.add(y).close();
                        }
                        if (k >= 0) {
                            perOp[k] = (threads.getCurrentThreadCpuTime() - c0) / 2000 / 1e3;
                        }
                    }
                    row("op_overhead_cpu", name, batch, median(perOp), "thread-cpu-us");
                }
            }
            System.err.printf(Locale.ROOT, "bench: %s train_step images/s per repetition: %s%n", name,
                    Arrays.toString(rates));
            row("train_step", name, batch, median(rates), "images/s");
            row("train_step_cpu", name, batch, median(cpuRates), "images/cpu-s");
            if (phases) {
                for (int i = 0; i < names.length; i++) {
                    int k = i;
                    row("phase_" + names[i], name, batch,
                            median(phaseMs.stream().mapToDouble(m -> m[k]).toArray()), "ms");
                    row("phase_" + names[i] + "_cpu", name, batch,
                            median(phaseMs.stream().mapToDouble(m -> m[names.length + k]).toArray()), "thread-cpu-ms");
                }
            }
        }
        return 0;
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

    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    private static com.sun.jna.Function clockGettime;

    /**
     * CPU time of the whole process (every thread: libtorch's, the JIT's, the collector's), in nanoseconds, from
     * {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)} (the JDK's own process CPU time counts 10 ms ticks).
     */
    static long cpuNanos() {
        try {
            if (clockGettime == null) {
                clockGettime = com.sun.jna.NativeLibrary.getInstance("c").getFunction("clock_gettime");
            }
            try (com.sun.jna.Memory ts = new com.sun.jna.Memory(16)) {
                if (clockGettime.invokeInt(new Object[] {CLOCK_PROCESS_CPUTIME_ID, ts}) == 0) {
                    return ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
                }
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // not Linux: fall through
        }
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** VmHWM of this process (peak resident set), in MiB; NaN where /proc is not there. */
    static double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return Double.NaN;
    }

    private int score() {
        String strategyName = positional.get(0);
        String modelName = options.getOrDefault("model", "resnet20");
        double compression = Double.parseDouble(options.getOrDefault("compression", "16"));
        StrategyRegistry registry = new StrategyRegistry();
        if (!registry.names().contains(strategyName)) {
            System.err.println("bench: no strategy '" + strategyName + "' in this build (have "
                    + registry.names() + "); skipped");
            return MISSING;
        }
        PruningStrategy strategy = registry.get(strategyName);
        int batch = intOption("batch", 128);
        Shape shape = inputShape(modelName);
        ImageData data = synthetic((int) shape.get(0), (int) shape.get(1), batch * 10, 10, false);
        BatchLoader plain = new BatchLoader(data, data.train(), false, Device.cpu());
        Object iterations = strategy.parameterDefaults().get("iterations");
        int rounds = iterations instanceof Number n ? n.intValue() : 1;
        long[] scoreNanos = {0};
        PruningStrategy timed = new PruningStrategy() {
            @Override
            public String name() {
                return strategy.name();
            }

            @Override
            public String description() {
                return strategy.description();
            }

            @Override
            public Map<String, NDArray> score(PruningContext context) {
                long t0 = System.nanoTime();
                Map<String, NDArray> s = strategy.score(context);
                scoreNanos[0] += System.nanoTime() - t0;
                return s;
            }
        };
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network network = Network.create(new ModelRegistry().get(modelName), shape, 10, manager, 0);
            List<PruningTarget> targets = PruningTargets.of(network, false, false);
            long total = network.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            long prunable = targets.stream().mapToLong(PruningTarget::size).sum();
            long keep = new CompressionBudget(total, prunable, compression).keep();
            StrategyOptions opts = new StrategyOptions(strategy.name(), strategy.parameterDefaults(), Map.of());
            try (MaskSet masks = MaskSet.dense(targets, manager)) {
                long t0 = System.nanoTime();
                new Pruner(network, targets, plain, batch, 0).prune(timed, opts, masks, keep,
                        strategy.defaultDistribution(), rounds, false);
                double pruneSeconds = (System.nanoTime() - t0) / 1e9;
                String label = "score_" + strategyName + (rounds > 1 ? "_" + rounds + "rounds" : "");
                row(label, modelName, batch, scoreNanos[0] / 1e9, "s");
                row("prune_" + strategyName + (rounds > 1 ? "_" + rounds + "rounds" : ""), modelName, batch,
                        pruneSeconds, "s");
            }
        }
        return 0;
    }

    private int load() {
        String name = positional.get(0);
        String root = options.get("root");
        DatasetRegistry registry = new DatasetRegistry();
        if (!registry.names().contains(name)) {
            System.err.println("bench: no dataset reader '" + name + "'; skipped");
            return MISSING;
        }
        DatasetSpec spec = new DatasetSpec(name, root, null, null, null);
        try {
            registry.locate(spec);
        } catch (RuntimeException e) {
            System.err.println("bench: dataset '" + name + "' not present; skipped");
            return MISSING;
        }
        long t0 = System.nanoTime();
        ImageData data = registry.load(spec);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf(Locale.ROOT, "bench: %s: %d train + %d test images of %dx%dx%d%n", name,
                data.train().size(), data.test().size(), data.channels(), data.height(), data.width());
        row("load_" + name + options.getOrDefault("label", ""), "-", "-", seconds, "s");
        return 0;
    }
}
