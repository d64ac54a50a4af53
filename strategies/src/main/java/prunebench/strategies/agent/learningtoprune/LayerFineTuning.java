package prunebench.strategies.agent.learningtoprune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import prunebench.config.OptimizerSpec;
import prunebench.data.BatchLoader;
import prunebench.prune.PruningContext;
import prunebench.train.CrossEntropy;
import prunebench.train.Optimizer;
import prunebench.train.Optimizers;
import prunebench.train.TrainableParameter;

/**
 * The fine-tuning between two layers' agents in {@link LearningToPrune}: the paper's prune-and-fine-tune, the
 * decisions so far held while the whole network trains.
 */
final class LayerFineTuning {
    private LayerFineTuning() {
    }

    /**
     * {@code layer_finetune_steps} SGD steps on the training data (the run's batch size, a shuffled order from the
     * search's seed, epochs continuing across layers), every held layer's dropped filters zeroed after each step.
     */
    static void run(PruningContext context, List<LayerFilters> held, long orderSeed, int[] step) {
        int steps = context.options().getInt(LearningToPrune.LAYER_STEPS);
        if (steps == 0) {
            return;
        }
        double lr = context.options().getDouble(LearningToPrune.LAYER_LR);
        List<TrainableParameter> params = new ArrayList<>();
        context.network().trainableParameters().forEach((n, p) -> params.add(new TrainableParameter(n, p)));
        BatchLoader data = context.trainData();
        int size = context.batchSize();
        int perEpoch = data.batchesPerEpoch(size);
        try (Optimizer sgd = Optimizers.create(new OptimizerSpec("sgd", lr, LearningToPrune.LAYER_MOMENTUM, false,
                0, 0.9, 0.999, 1e-8), params)) {
            for (int s = 0; s < steps; s++, step[0]++) {
                int epoch = step[0] / perEpoch;
                int[] order = data.order(orderSeed, epoch, true);
                try (NDManager scope = context.manager().newSubManager()) {
                    BatchLoader.Batch batch = data.batch(scope, order, step[0] % perEpoch, size, null);
                    try (GradientCollector collector = context.manager().getEngine().newGradientCollector()) {
                        NDArray logits = context.network().block().forward(new ParameterStore(scope, false),
                                new NDList(batch.images()), true).singletonOrThrow();
                        collector.backward(CrossEntropy.loss(logits, batch.labels()));
                    }
                    sgd.step(lr);
                    for (TrainableParameter p : params) {
                        JniUtils.zeroGrad((PtNDArray) p.parameter().getArray());
                    }
                }
                for (LayerFilters l : held) {
                    l.rezero();
                }
            }
        }
    }
}
