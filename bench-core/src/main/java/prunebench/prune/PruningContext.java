package prunebench.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import prunebench.data.BatchLoader;
import prunebench.model.Network;
import prunebench.util.Seeds;

/**
 * What a strategy may use to score: the network (with the current masks already applied to its weights), the
 * prunable tensors, the training data, a seeded random generator and the strategy's options. Everything a
 * strategy allocates goes on {@link #manager()}, which is closed after the masks are selected.
 */
public final class PruningContext {
    private final Network network;
    private final List<PruningTarget> targets;
    private final MaskSet masks;
    private final NDManager manager;
    private final BatchLoader trainData;
    private final long seed;
    private final int round;
    private final StrategyOptions options;
    private final int batchSize;
    private final BatchLoader validation;
    private final double keptFraction;

    public PruningContext(Network network, List<PruningTarget> targets, MaskSet masks, NDManager manager,
            BatchLoader trainData, int batchSize, long seed, int round, StrategyOptions options) {
        this(network, targets, masks, manager, trainData, batchSize, seed, round, options, null, Double.NaN);
    }

    /**
     * @param validation   the held-out validation split ({@code dataset.validation}), or null when none is held out
     * @param keptFraction the fraction of the dense cost the round's selection may keep, or NaN
     */
    public PruningContext(Network network, List<PruningTarget> targets, MaskSet masks, NDManager manager,
            BatchLoader trainData, int batchSize, long seed, int round, StrategyOptions options,
            BatchLoader validation, double keptFraction) {
        this.network = network;
        this.targets = List.copyOf(targets);
        this.masks = masks;
        this.manager = manager;
        this.trainData = trainData;
        this.batchSize = batchSize;
        this.seed = seed;
        this.round = round;
        this.options = options;
        this.validation = validation;
        this.keptFraction = keptFraction;
    }

    /** The same context with the round's {@link #keptFraction()} set (the channel pruner knows it). */
    public PruningContext withKeptFraction(double fraction) {
        return new PruningContext(network, targets, masks, manager, trainData, batchSize, seed, round, options,
                validation, fraction);
    }

    /**
     * The held-out validation split ({@code dataset.validation}: training examples the dense model never saw), for
     * a strategy whose search is rewarded by accuracy (amc); null when the experiment holds none out. Never the test
     * split.
     */
    public BatchLoader validation() {
        return validation;
    }

    /**
     * The fraction of the dense network's cost this round's selection may keep, in the measure the pruner meets
     * (a structured strategy's {@code target}: trainable parameters, or multiply-adds with {@code speedup}):
     * 1 / target^((round + 1) / iterations). NaN where the caller does not set it (single-weight pruning).
     */
    public double keptFraction() {
        return keptFraction;
    }

    public Network network() {
        return network;
    }

    public List<PruningTarget> targets() {
        return targets;
    }

    /** The current masks (all ones before the first round). */
    public MaskSet masks() {
        return masks;
    }

    public NDManager manager() {
        return manager;
    }

    public StrategyOptions options() {
        return options;
    }

    /** 0-based round of an iterative schedule. */
    public int round() {
        return round;
    }

    public int numClasses() {
        return network.numClasses();
    }

    /** A generator seeded from the run's seed, the strategy and the round. */
    public Random random() {
        return random(options.strategy());
    }

    /**
     * A generator seeded from the run's seed, a named stream and the round: strategies that must draw the same numbers
     * for the same seed (RigL, SET and static random masks start from one random mask) share a stream name.
     */
    public Random random(String stream) {
        return new Random(Seeds.derive(seed, "prune/" + stream + "/" + round));
    }

    /** The training loader (no augmentation), for strategies that score on data. */
    public BatchLoader trainData() {
        return trainData;
    }

    /** The experiment's batch size for the stage being pruned. */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The first {@code count} training batches of a seeded shuffle (the same for every strategy of a seed), built on
     * {@link #manager()}.
     */
    public List<BatchLoader.Batch> batches(int count, int size) {
        int[] order = trainData.order(seed, -1, true);
        int available = trainData.batchesPerEpoch(size);
        List<BatchLoader.Batch> out = new ArrayList<>();
        for (int b = 0; b < Math.min(count, available); b++) {
            out.add(trainData.batch(manager, order, b, size, null));
        }
        return out;
    }

    /**
     * A class-balanced sample in batches of {@code size}: the first {@code perClass} examples of every class in the
     * seed's shuffled order (the order of {@link #batches}), kept in that order, as GraSP's {@code GraSP_fetch_data}
     * takes them from a shuffled loader. A class with fewer examples gives all it has.
     */
    public List<BatchLoader.Batch> classBalanced(int perClass, int size) {
        int[] order = trainData.order(seed, -1, true);
        int[] taken = new int[numClasses()];
        int[] sample = new int[Math.min(order.length, perClass * numClasses())];
        int n = 0;
        for (int i = 0; i < order.length && n < sample.length; i++) {
            int label = trainData.label(order[i]);
            if (taken[label] < perClass) {
                taken[label]++;
                sample[n++] = order[i];
            }
        }
        int[] chosen = Arrays.copyOf(sample, n);
        List<BatchLoader.Batch> out = new ArrayList<>();
        for (int b = 0; b * size < n; b++) {
            out.add(trainData.batch(manager, chosen, b, size, null));
        }
        return out;
    }

    /** Runs the network on {@code images}; {@code training} selects batch statistics for BatchNorm. */
    public NDArray forward(NDArray images, boolean training) {
        ParameterStore store = new ParameterStore(manager, false);
        return network.block().forward(store, new NDList(images), training).singletonOrThrow();
    }
}
