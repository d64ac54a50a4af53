package prunebench.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import prunebench.model.Network;
import prunebench.prune.MaskSet;
import prunebench.prune.Timing;

/**
 * Measured inference speedup of a pruned network over the dense one: the ratio of their median images per second
 * on the same batch, in inference mode, with the process's thread setting. {@value #WARMUP} warm-up batches of
 * each network are run first and not timed; then {@value #TIMED} timed samples of each, alternating which goes
 * first so that a slow drift of the machine affects both alike. A sample is one batch, or as many as make up
 * {@value #MIN_SAMPLE_SECONDS} s for a fast network (a small LeNet-5 takes a millisecond, where fixed per-call costs
 * and timer noise would dominate). This keeps the cost small enough to measure every run; the median resists the
 * odd sample slowed by another process.
 *
 * <p>The clock: on the CPU with one intra-op thread, libtorch computes on the calling thread, so that thread's CPU
 * time is the computation's time, the same as wall time on an idle machine but not inflated when other processes
 * share the cores (on a loaded machine wall times of one LeNet-5 batch were seen to vary 10x, its CPU time barely).
 * With several threads, or on a GPU, it is wall-clock time.
 */
final class InferenceSpeed {
    static final int WARMUP = 5;
    static final int TIMED = 10;
    static final double MIN_SAMPLE_SECONDS = 0.02;

    /** What a timed batch is measured in. */
    enum Clock { THREAD_CPU, WALL }

    private InferenceSpeed() {}

    /**
     * A run's {@code speedup_measured} on the first test batch of the stage's batch size: for a structured strategy
     * the rebuilt smaller network (first checked to compute the masked network's outputs), otherwise the masked
     * network as it is, over the dense model the run started from: the pretrained one, or for pruning at init the
     * seed's initialisation. Not any dense network of the architecture: speed depends a little on the values (a
     * freshly initialised LeNet-5 ran ~10% slower than the trained one here).
     *
     */
    static double ofRun(Workspace ws, DenseCache cache, RunSpec spec, Network network, Masking masking,
            MaskSet masks, NDManager manager, int batchSize) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            Network dense = Network.create(ws.model(), ws.inputShape(), ws.data().numClasses(), scope, spec.seed());
            if (spec.timing() == Timing.PRETRAINED) {
                cache.loadInto(DenseCache.Key.of(spec), dense, scope);
            }
            Network pruned = masking.rebuilt(network, masks, scope);
            NDArray images = ws.test().batch(scope, ws.test().order(0, 0, false), 0, batchSize, null).images();
            if (pruned != network) {
                float[] expected = outputs(network, images);
                float[] actual = outputs(pruned, images);
                double scale = 1;
                double difference = 0;
                for (int i = 0; i < expected.length; i++) {
                    scale = Math.max(scale, Math.abs(expected[i]));
                    difference = Math.max(difference, Math.abs(expected[i] - actual[i]));
                }
                if (!(difference <= 1e-4 * scale)) {
                    throw new IllegalStateException("the rebuilt network's outputs differ from the masked network's "
                            + "by up to " + difference);
                }
            }
            return speedup(dense, pruned, images);
        }
    }

    /** Median images/s of {@code pruned} over that of {@code dense} on {@code images}. */
    static double speedup(Network dense, Network pruned, NDArray images) {
        return speedup(dense, pruned, images, clock(images));
    }

    static double speedup(Network dense, Network pruned, NDArray images, Clock clock) {
        double denseWarm = 0;
        double prunedWarm = 0;
        for (int i = 0; i < WARMUP; i++) {
            denseWarm = seconds(dense, images, clock, 1);
            prunedWarm = seconds(pruned, images, clock, 1);
        }
        int denseReps = repetitions(denseWarm);
        int prunedReps = repetitions(prunedWarm);
        double[] denseSeconds = new double[TIMED];
        double[] prunedSeconds = new double[TIMED];
        for (int i = 0; i < TIMED; i++) {
            if (i % 2 == 0) {
                denseSeconds[i] = seconds(dense, images, clock, denseReps);
                prunedSeconds[i] = seconds(pruned, images, clock, prunedReps);
            } else {
                prunedSeconds[i] = seconds(pruned, images, clock, prunedReps);
                denseSeconds[i] = seconds(dense, images, clock, denseReps);
            }
        }
        // Same batch for both: images/s ratio = inverse ratio of seconds per batch.
        return median(denseSeconds) / median(prunedSeconds);
    }

    static float[] outputs(Network network, NDArray images) {
        try (NDManager scope = images.getManager().newSubManager()) {
            NDArray x = images.duplicate();
            x.attach(scope); // every intermediate of the forward pass follows its input into the scope
            return network.block().forward(new ParameterStore(scope, false), new NDList(x), false).singletonOrThrow()
                    .toFloatArray();
        }
    }

    /** The thread's CPU time where it is the computation's time, wall time otherwise. */
    static Clock clock(NDArray images) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean oneCpuThread = !images.getDevice().isGpu() && JniUtils.getNumThreads() == 1;
        return oneCpuThread && threads.isCurrentThreadCpuTimeSupported() ? Clock.THREAD_CPU : Clock.WALL;
    }

    /** Batches per timed sample, from the last warm-up batch's time. */
    static int repetitions(double batchSeconds) {
        return batchSeconds >= MIN_SAMPLE_SECONDS ? 1
                : (int) Math.min(1000, Math.ceil(MIN_SAMPLE_SECONDS / Math.max(batchSeconds, 1e-6)));
    }

    /** Seconds per batch over {@code repetitions} batches. */
    private static double seconds(Network network, NDArray images, Clock clock, int repetitions) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (NDManager scope = images.getManager().newSubManager()) {
            NDArray x = images.duplicate();
            x.attach(scope);
            long t0 = clock == Clock.THREAD_CPU ? threads.getCurrentThreadCpuTime() : System.nanoTime();
            for (int r = 0; r < repetitions; r++) {
                try (NDManager batch = scope.newSubManager()) {
                    x.tempAttach(batch); // this batch's intermediates follow their input here; x returns on close
                    NDArray out = network.block().forward(new ParameterStore(batch, false), new NDList(x), false)
                            .singletonOrThrow();
                    out.toFloatArray(); // waits for the result where the device is asynchronous
                }
            }
            long t1 = clock == Clock.THREAD_CPU ? threads.getCurrentThreadCpuTime() : System.nanoTime();
            return (t1 - t0) / 1e9 / repetitions;
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
