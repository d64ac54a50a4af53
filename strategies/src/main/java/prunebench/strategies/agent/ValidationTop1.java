package prunebench.strategies.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.function.Function;
import prunebench.data.BatchLoader;
import prunebench.model.Network;
import prunebench.train.Accuracy;

/**
 * Top-1 of a network on examples of the held-out validation split, in inference mode: the reward of the agents
 * ({@code amc} and {@code learning_to_prune}) that score candidate prunes without the test set. One loop for both, so
 * their rewards are counted alike: batches of {@code batchSize} taken in {@code order}, each built on its own scope
 * (the forward pass puts its activations on the manager of its input).
 */
public final class ValidationTop1 {
    private ValidationTop1() {
    }

    /**
     * Top-1 over the examples {@code order} lists, with the weights {@code stores} gives each batch's scope (a
     * candidate's masked copies, or the network's own).
     */
    public static double of(Network network, BatchLoader data, int[] order, NDManager manager, int batchSize,
            Function<NDManager, ParameterStore> stores) {
        Accuracy acc = new Accuracy();
        int batches = (order.length + batchSize - 1) / batchSize;
        for (int b = 0; b < batches; b++) {
            try (NDManager scope = manager.newSubManager()) {
                BatchLoader.Batch batch = data.batch(scope, order, b, batchSize, null);
                NDArray logits = network.block().forward(stores.apply(scope), new NDList(batch.images()), false)
                        .singletonOrThrow();
                acc.add(logits.toType(DataType.FLOAT32, false).toFloatArray(), batch.labels().toLongArray(),
                        network.numClasses());
            }
        }
        return acc.top1();
    }
}
