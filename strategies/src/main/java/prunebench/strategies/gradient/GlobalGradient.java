package prunebench.strategies.gradient;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.data.BatchLoader;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.train.CrossEntropy;
import prunebench.train.GraphScalars;

/**
 * Importance |w * dL/dw| with the gradient of the cross-entropy on {@code batches} training batches (default one,
 * as ShrinkBench's GlobalMagGrad), ranked across the whole network.
 */
public class GlobalGradient implements PruningStrategy {
    @Override
    public String name() {
        return "global_gradient";
    }

    @Override
    public String description() {
        return "|w * dL/dw| on one training batch, one ranking across all layers";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("batches", 1);
    }

    @Override
    public Map<String, NDArray> score(PruningContext context) {
        int batches = context.options().getInt("batches");
        Map<String, NDArray> grads = accumulatedGradients(context, batches);
        Map<String, NDArray> scores = new LinkedHashMap<>();
        for (PruningTarget t : context.targets()) {
            scores.put(t.name(), grads.get(t.name()).mul(t.array()).abs());
        }
        return scores;
    }

    /**
     * Mean gradient of the training loss (training-mode forward, as a training step sees it) over the first
     * {@code batches} batches, for every target; parameter gradients are zeroed before and after.
     */
    public static Map<String, NDArray> accumulatedGradients(PruningContext context, int batches) {
        NDManager manager = context.manager();
        Map<String, NDArray> sums = new LinkedHashMap<>();
        List<BatchLoader.Batch> data = context.batches(batches, context.batchSize());
        zero(context);
        for (BatchLoader.Batch batch : data) {
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray loss = CrossEntropy.loss(context.forward(batch.images(), true), batch.labels());
                collector.backward(GraphScalars.over(loss.getManager(), loss, data.size()));
            }
        }
        for (PruningTarget t : context.targets()) {
            NDArray g = t.array().getGradient();
            g.attach(manager);
            sums.put(t.name(), g.duplicate());
        }
        zero(context);
        return sums;
    }

    private static void zero(PruningContext context) {
        context.network().trainableParameters().values()
                .forEach(p -> JniUtils.zeroGrad((PtNDArray) p.getArray()));
    }
}
