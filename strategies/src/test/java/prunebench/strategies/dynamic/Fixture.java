package prunebench.strategies.dynamic;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import prunebench.config.OptimizerSpec;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.prune.Distribution;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskSet;
import prunebench.prune.Pruner;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyOptions;
import prunebench.testing.SyntheticData;
import prunebench.train.CrossEntropy;
import prunebench.train.Optimizer;
import prunebench.train.Optimizers;
import prunebench.train.TrainableParameter;

/**
 * A LeNet-5 (classifier dense) on synthetic data with random masks from a dynamic strategy (ERK unless told
 * otherwise), and SGD.
 */
final class Fixture implements AutoCloseable {
    static final ImageData DATA = SyntheticData.create(256, 64, 1, 28, 10, 7);
    /** Kept prunable weights: compression ~6 of the 60,856 prunable entries. */
    static final long KEEP = 7730;

    final NDManager manager = NDManager.newBaseManager(Device.cpu());
    final Network network;
    final List<PruningTarget> targets;
    final MaskSet masks;
    final Optimizer optimizer;
    final BatchLoader train = new BatchLoader(DATA, DATA.train(), false, Device.cpu());
    final BatchLoader test = new BatchLoader(DATA, DATA.test(), false, Device.cpu());
    final SparseStart strategy;
    final long seed;

    Fixture(SparseStart strategy, long seed) {
        this(strategy, seed, Distribution.ERK, false);
    }

    /** The random start under {@code distribution}, the first layer dense with {@code denseFirst}. */
    Fixture(SparseStart strategy, long seed, Distribution distribution, boolean denseFirst) {
        this.strategy = strategy;
        this.seed = seed;
        network = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, seed);
        targets = PruningTargets.of(network, false, false);
        masks = MaskSet.dense(targets, manager);
        new Pruner(network, targets, train, 32, seed).prune(strategy, options(Map.of()), masks, KEEP, distribution,
                1, denseFirst);
        List<TrainableParameter> params = new ArrayList<>();
        network.trainableParameters().forEach((n, p) -> params.add(new TrainableParameter(n, p)));
        optimizer = Optimizers.create(new OptimizerSpec("sgd", 0.05, 0.9, false, 0, 0.9, 0.999, 1e-8), params);
    }

    StrategyOptions options(Map<String, Object> given) {
        return new StrategyOptions(strategy.name(), strategy.parameterDefaults(), given);
    }

    DynamicContext context(long runSeed, Map<String, Object> given) {
        return new DynamicContext(network, targets, masks, optimizer, runSeed, options(given));
    }

    /** One training step as the trainer takes it: backward, SGD step, masks re-applied; gradients left in place. */
    void step(int b) {
        for (var p : network.trainableParameters().values()) {
            JniUtils.zeroGrad((PtNDArray) p.getArray());
        }
        try (NDManager scope = manager.newSubManager()) {
            int[] order = train.order(seed, 0, true);
            BatchLoader.Batch batch = train.batch(scope, order, b, 32, null);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray logits = network.block()
                        .forward(new ParameterStore(scope, false), new NDList(batch.images()), true)
                        .singletonOrThrow();
                collector.backward(CrossEntropy.loss(logits, batch.labels()));
            }
        }
        optimizer.step(0.05);
        masks.apply();
    }

    float[] mask(PruningTarget t) {
        return masks.get(t.name()).toFloatArray();
    }

    @Override
    public void close() {
        optimizer.close();
        masks.close();
        manager.close();
    }
}
