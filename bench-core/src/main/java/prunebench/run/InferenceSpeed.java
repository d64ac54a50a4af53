package prunebench.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import prunebench.model.Network;
import prunebench.prune.MaskSet;
import prunebench.prune.structured.ChannelPruner;

/**
 * Measured inference speedup of a pruned network over the dense one: the ratio of their median images per second
 * on the same batch, in inference mode, with the process's thread setting. {@value #WARMUP} warm-up batches of
 * each network are run first and not timed; then {@value #TIMED} timed batches of each, alternating which goes
 * first so that a slow drift of the machine affects both alike. A dozen batches keep the cost small enough to
 * measure every run; the median resists the odd batch slowed by another process.
 */
final class InferenceSpeed {
    static final int WARMUP = 5;
    static final int TIMED = 10;

    private InferenceSpeed() {}

    /**
     * A run's {@code speedup_measured} on the first test batch of the stage's batch size: for a structured strategy
     * the rebuilt smaller network (first checked to compute the masked network's outputs), otherwise the masked
     * network as it is, over the dense model freshly built from the seed (dense kernels take the same time
     * whatever the values).
     *
     * @param channels the structured pruner of the run, or null
     */
    static double ofRun(Workspace ws, long seed, Network network, ChannelPruner channels, MaskSet masks,
            NDManager manager, int batchSize) {
        try (NDManager scope = manager.newSubManager()) {
            Network dense = Network.create(ws.model(), ws.inputShape(), ws.data().numClasses(), scope, seed);
            Network pruned = channels == null ? network : channels.rebuild(masks, scope);
            NDArray images = ws.test().batch(scope, ws.test().order(0, 0, false), 0, batchSize, null).images();
            if (channels != null) {
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
        for (int i = 0; i < WARMUP; i++) {
            seconds(dense, images);
            seconds(pruned, images);
        }
        double[] denseSeconds = new double[TIMED];
        double[] prunedSeconds = new double[TIMED];
        for (int i = 0; i < TIMED; i++) {
            if (i % 2 == 0) {
                denseSeconds[i] = seconds(dense, images);
                prunedSeconds[i] = seconds(pruned, images);
            } else {
                prunedSeconds[i] = seconds(pruned, images);
                denseSeconds[i] = seconds(dense, images);
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

    private static double seconds(Network network, NDArray images) {
        try (NDManager scope = images.getManager().newSubManager()) {
            NDArray x = images.duplicate();
            x.attach(scope);
            long t0 = System.nanoTime();
            NDArray out = network.block().forward(new ParameterStore(scope, false), new NDList(x), false)
                    .singletonOrThrow();
            out.toFloatArray(); // waits for the result where the device is asynchronous
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
