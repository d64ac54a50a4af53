package prunebench.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.model.Network;
import prunebench.prune.MaskSet;
import prunebench.prune.MaskUpdateStats;
import prunebench.train.EpochRecord;

/**
 * What the stages of a plan work on and what a checkpoint saves: the weights (in {@link #network}), the masks,
 * the stored copies (the weights before the last prune, a stash for a branch), and the bookkeeping of the
 * run's records. The masks are null for dense training.
 */
final class RunState implements AutoCloseable {
    final Network network;
    final NDManager manager;
    final long seed;
    /** Where epochs.csv and the checkpoint go. */
    final Path dir;
    /** Prefixes this state's epoch lines in the progress output. */
    final String progressLabel;
    final Masking masking;
    final MaskSet masks;
    final long startNanos = System.nanoTime();

    /** The weights as they were before the last prune (written to masks.npz, restored by a shuffle). */
    Map<String, NDArray> scored;
    Map<String, NDArray> stashedWeights;
    Map<String, NDArray> stashedMasks;
    /** A learned strategy's scores, from its learning stage to its prune. */
    Map<String, NDArray> learned;
    /** The gates' tensors while a learning stage runs (checkpointed with it), else null. */
    Map<String, NDArray> gates;
    final List<EpochRecord> epochs = new ArrayList<>();
    double top1Pre = Double.NaN;
    double top5Pre = Double.NaN;
    double top1 = Double.NaN;
    double top5 = Double.NaN;
    double pruneSeconds;
    MaskUpdateStats updates = MaskUpdateStats.NONE;
    boolean dynamic;
    final List<RunResult> levels = new ArrayList<>();
    double wallBefore;
    /** Multiply-adds spent in training so far (see RunResult#train_flops). */
    double trainFlops;
    /** Epochs of the training stages since the last prune (RunResult#epochs_trained). */
    int epochsTrained;
    /**
     * Entries of the gated tensors that a learned method's own rule removed at the end of its learning stage
     * ({@link prunebench.prune.Gates#ownKeep}); null for a method without one (RunResult#learned_compression).
     */
    Long learnedRemoved;
    /** The learning stage's last test top-1, under the method's own rule (RunResult#learned_top1); NaN without. */
    double learnedTop1 = Double.NaN;

    RunState(Network network, NDManager manager, long seed, Path dir, String progressLabel, Masking masking) {
        this.network = network;
        this.manager = manager;
        this.seed = seed;
        this.dir = dir;
        this.progressLabel = progressLabel;
        this.masking = masking;
        this.masks = masking == null ? null : MaskSet.dense(masking.targets(), manager);
    }

    double wallSeconds() {
        return wallBefore + (System.nanoTime() - startNanos) / 1e9;
    }

    /** A copy of every parameter (BatchNorm statistics included), or of the trainable ones only. */
    Map<String, NDArray> copyWeights(boolean trainableOnly) {
        Map<String, NDArray> copy = new LinkedHashMap<>();
        network.allParameters().forEach((n, p) -> {
            if (!trainableOnly || p.requiresGradient()) {
                copy.put(n, p.getArray().duplicate());
            }
        });
        return copy;
    }

    Map<String, NDArray> copyMasks() {
        Map<String, NDArray> copy = new LinkedHashMap<>();
        masks.masks().forEach((n, m) -> copy.put(n, m.duplicate()));
        return copy;
    }

    /** Sets the network's parameters named in {@code weights} to those values. */
    void loadWeights(Map<String, NDArray> weights) {
        network.allParameters().forEach((n, p) -> {
            NDArray w = weights.get(n);
            if (w != null) {
                p.getArray().set(w.toByteBuffer());
            }
        });
    }

    void loadMasks(Map<String, NDArray> saved) {
        saved.forEach((n, m) -> masks.get(n).set(m.toByteBuffer()));
    }

    static void close(Map<String, NDArray> tensors) {
        if (tensors != null) {
            tensors.values().forEach(NDArray::close);
        }
    }

    @Override
    public void close() {
        close(scored);
        close(stashedWeights);
        close(stashedMasks);
        close(learned);
        if (masks != null) {
            masks.close();
        }
    }
}
