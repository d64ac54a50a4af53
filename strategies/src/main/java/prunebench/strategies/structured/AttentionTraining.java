package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import prunebench.config.OptimizerSpec;
import prunebench.data.BatchLoader;
import prunebench.prune.PruningContext;
import prunebench.train.CrossEntropy;
import prunebench.train.Optimizer;
import prunebench.train.Optimizers;
import prunebench.train.TrainableParameter;

/** PCAS's module training: Adam on the attention modules' parameters only, the network fixed and in inference mode. */
final class AttentionTraining {
    private AttentionTraining() {
    }

    /**
     * {@code attention_epochs} epochs of the training data at {@code attention_lr}, in the order of
     * {@code orderSeed}, at the run's batch size.
     */
    static void train(PruningContext context, Map<Parameter, AttentionModule> modules, boolean softmax,
            long orderSeed) {
        int epochs = context.options().getInt(Pcas.ATTENTION_EPOCHS);
        if (epochs == 0) {
            return;
        }
        List<TrainableParameter> params = new ArrayList<>();
        for (AttentionModule m : modules.values()) {
            params.addAll(m.parameters());
        }
        BatchLoader data = context.trainData();
        int size = context.batchSize();
        double lr = context.options().getDouble(Pcas.ATTENTION_LR);
        try (Optimizer adam = Optimizers.create(new OptimizerSpec("adam", lr, 0, false, 0, 0.9, 0.999, 1e-8),
                params)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                int[] order = data.order(orderSeed, epoch, true);
                for (int b = 0; b < data.batchesPerEpoch(size); b++) {
                    try (NDManager scope = context.manager().newSubManager()) {
                        BatchLoader.Batch batch = data.batch(scope, order, b, size, null);
                        try (GradientCollector collector = context.manager().getEngine().newGradientCollector()) {
                            NDArray logits = context.network().block().forward(new AttendedStore(scope, modules,
                                    softmax, null), new NDList(batch.images()), false).singletonOrThrow();
                            collector.backward(CrossEntropy.loss(logits, batch.labels()));
                        }
                        adam.step(lr);
                        for (TrainableParameter p : params) {
                            JniUtils.zeroGrad((PtNDArray) p.parameter().getArray());
                        }
                    }
                }
            }
        }
    }
}
