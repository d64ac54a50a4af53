package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import prunebench.data.BatchLoader;
import prunebench.model.Network;

/** Top-1 / top-5 accuracy of a network on a whole split, in inference mode. */
public final class Evaluator {
    static final int BATCH = 500;

    private Evaluator() {}

    public static Accuracy evaluate(Network network, BatchLoader data, NDManager manager) {
        return evaluate(network, data, manager, BATCH);
    }

    /** The same with another batch size (scripts/bench measures inference at the training batch size). */
    public static Accuracy evaluate(Network network, BatchLoader data, NDManager manager, int batchSize) {
        return evaluate(network, data, manager, batchSize, scope -> new ParameterStore(scope, false));
    }

    /** The same with the weights {@code stores} gives (a reparameterised network's deterministic weights). */
    public static Accuracy evaluate(Network network, BatchLoader data, NDManager manager, int batchSize,
            java.util.function.Function<NDManager, ParameterStore> stores) {
        Accuracy acc = new Accuracy();
        int[] order = data.order(0, 0, false);
        for (int b = 0; b < data.batchesPerEpoch(batchSize); b++) {
            try (NDManager scope = manager.newSubManager()) {
                BatchLoader.Batch batch = data.batch(scope, order, b, batchSize, null);
                NDArray logits = network.block()
                        .forward(stores.apply(scope), new NDList(batch.images()), false)
                        .singletonOrThrow();
                acc.add(logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(),
                        batch.labels().toLongArray(), network.numClasses());
            }
        }
        return acc;
    }
}
