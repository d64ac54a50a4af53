package prunebench.bench;

import static prunebench.bench.CsvRows.median;
import static prunebench.bench.CsvRows.row;
import static prunebench.bench.ProcessUsage.cpuNanos;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import prunebench.config.TrainSchedule;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.ModelRegistry;
import prunebench.model.Network;
import prunebench.train.Optimizer;
import prunebench.train.PhaseClock;
import prunebench.train.Trainer;
import prunebench.train.TrainingStep;

/**
 * {@code step MODEL [--batch B] [--steps S] [--reps R] [--warmup-epochs W] [--phases true] [--profile FILE]
 * [--mkldnn false] [--channels-last true]}: the bare training
 * step, as {@code scripts/bench-pytorch.py --what step}: forward, cross-entropy, backward, SGD (momentum 0.9)
 * step and zeroed gradients on batches assembled once before timing (S distinct batches, cycled); no loss read,
 * accuracy, masks or listeners. Rows {@code train_step} and {@code train_step_cpu}; with {@code --phases} also
 * the median milliseconds of each phase ({@code phase_forward}, ...; libtorch on the CPU runs synchronously),
 * wall clock and CPU time of the calling thread ({@code phase_forward_cpu}: the work at one thread).
 */
final class StepBenchmark {
    private StepBenchmark() {
    }

    static int run(BenchArgs args) {
        String name = args.subject();
        BenchArgs.LoopSizes sizes = args.loopSizes();
        int batch = sizes.batch();
        int steps = sizes.steps();
        boolean phases = Boolean.parseBoolean(args.option("phases", "false"));
        String profile = args.option("profile", null);
        Shape shape = Workloads.inputShape(name);
        boolean augment = shape.get(0) == 3;
        ImageData data = Workloads.synthetic((int) shape.get(0), (int) shape.get(1), batch * steps, 1, augment);
        BatchLoader loader = new BatchLoader(data, data.train(), augment, Device.cpu());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            String mkldnn = args.option("mkldnn");
            if (mkldnn != null) { // an options-table measurement: oneDNN convolutions off (or explicitly on)
                System.err.printf(Locale.ROOT, "bench: oneDNN kernels %s%n",
                        LibtorchFlags.setMkldnnEnabled(Boolean.parseBoolean(mkldnn)) ? "on" : "off");
            }
            Network network = Network.create(new ModelRegistry().get(name), shape, 10, manager, 0);
            Trainer trainer = new Trainer(network, manager, loader, loader, 0);
            TrainSchedule schedule = Workloads.sgd(1, batch);
            int[] order = loader.order(0, 0, true);
            Random rng = loader.augmentation(0, 0);
            List<BatchLoader.Batch> batches = new ArrayList<>();
            boolean channelsLast = Boolean.parseBoolean(args.option("channels-last", "false"));
            for (int b = 0; b < steps; b++) {
                BatchLoader.Batch assembled = loader.batch(manager, order, b, batch, rng);
                batches.add(channelsLast ? channelsLast(manager, assembled) : assembled);
            }
            String[] names = TrainingStep.PHASES;
            List<double[]> phaseMs = new ArrayList<>();
            double[] rates = new double[sizes.reps()];
            double[] cpuRates = new double[sizes.reps()];
            try (Optimizer optimizer = trainer.newOptimizer(schedule)) {
                TrainingStep step = trainer.newStep(optimizer);
                for (int r = -sizes.warmup(); r < sizes.reps(); r++) {
                    long t0 = System.nanoTime();
                    long c0 = cpuNanos();
                    for (BatchLoader.Batch b : batches) {
                        PhaseClock clock = phases ? new PhaseClock() : null;
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
            if (profile != null) {
                profile(trainer, schedule, manager, batches, profile);
            }
            if (phases) {
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                row("phase_assemble_cpu", name, batch, assembleMs(threads, manager, loader, order, sizes, rng),
                        "thread-cpu-ms");
                row("op_overhead_cpu", name, batch, opOverheadUs(threads, manager), "thread-cpu-us");
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

    /**
     * The batch's images in channels-last memory: the same N x C x H x W array, its floats stored N x H x W x C
     * (a contiguous NHWC array seen through a permutation). libtorch's oneDNN convolution then computes in NHWC
     * and its outputs stay channels-last through batch norm, ReLU and the adds, as {@code
     * x.contiguous(memory_format=torch.channels_last)} does in PyTorch. Other kernels, so other roundings: an
     * options-table measurement, not a run setting.
     */
    private static BatchLoader.Batch channelsLast(NDManager manager, BatchLoader.Batch b) {
        NDArray images = b.images();
        Shape s = images.getShape();
        try (NDArray nhwcView = images.transpose(0, 2, 3, 1)) {
            NDArray nhwc = manager.create(nhwcView.toFloatArray(), new Shape(s.get(0), s.get(2), s.get(3), s.get(1)));
            return new BatchLoader.Batch(nhwc.transpose(0, 3, 1, 2), b.labels());
        }
    }

    /**
     * One more pass over the batches under libtorch's autograd profiler (the one {@code torch.autograd.profiler}
     * drives in bench-pytorch.py), its Chrome trace written to {@code file}: every ATen op with its start and
     * duration, forward and backward, so that scripts/profile-ops.py can sum both sides by op kind. A fresh
     * optimizer, so the pass sees the same step as the timed ones; the timed figures above are not profiled.
     */
    private static void profile(Trainer trainer, TrainSchedule schedule, NDManager manager,
            List<BatchLoader.Batch> batches, String file) {
        try (Optimizer optimizer = trainer.newOptimizer(schedule)) {
            TrainingStep step = trainer.newStep(optimizer);
            for (int pass = 0; pass < 2; pass++) { // the first pass warms the new optimizer's state
                if (pass == 1) {
                    JniUtils.startProfile(false, true, false);
                }
                for (BatchLoader.Batch b : batches) {
                    try (NDManager scope = manager.newSubManager()) {
                        scope.tempAttachAll(b.images(), b.labels());
                        step.run(scope, b.images(), b.labels(), 0.01, null);
                    }
                }
            }
            JniUtils.stopProfile(file);
        }
        System.err.printf(Locale.ROOT, "bench: profile of %d steps written to %s%n", batches.size(), file);
    }

    /**
     * What the whole loop adds per step: assembling a batch from bytes (with augmentation for CIFAR), the median
     * CPU milliseconds of the calling thread over steps x reps batches.
     */
    private static double assembleMs(ThreadMXBean threads, NDManager manager, BatchLoader loader, int[] order,
            BenchArgs.LoopSizes sizes, Random rng) {
        double[] assemble = new double[sizes.steps() * sizes.reps()];
        for (int i = 0; i < assemble.length; i++) {
            try (NDManager scope = manager.newSubManager()) {
                long c0 = threads.getCurrentThreadCpuTime();
                loader.batch(scope, order, i % sizes.steps(), sizes.batch(), rng);
                assemble[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
            }
        }
        return median(assemble);
    }

    /**
     * The fixed cost of one op through DJL's JNI (a 1-element add, its result freed), in CPU microseconds of the
     * calling thread, to count against the ops of a step; bench-pytorch.py measures the same through Python.
     */
    private static double opOverheadUs(ThreadMXBean threads, NDManager manager) {
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
            return median(perOp);
        }
    }
}
