package prunebench.strategies.init;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.data.BatchLoader;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;
import prunebench.prune.Timing;
import prunebench.train.CrossEntropy;

/**
 * SNIP (Lee et al. 2019): connection sensitivity |dL/dc| of a mask c = 1 on each weight, which is |g * w| with g
 * the gradient of the cross-entropy summed over the scoring data ({@link ScoringData}: by default ten examples per
 * class), one ranking across all layers, at initialisation. The forward runs in evaluation mode (BatchNorm with its
 * running statistics, which at init are mean 0, variance 1), as both references do: the authors' code
 * (namhoonlee/snip-public, {@code prune.py}) feeds {@code is_train: False}, and Synaptic-Flow's {@code prune_loop}
 * calls {@code model.eval()} unless {@code --prune-train-mode}. {@code train_mode: true} uses batch statistics
 * instead. Either way the network is not written. The paper prunes on one mini-batch (snip-public: 100 examples of
 * the shuffled training set, not class-balanced); {@code batches: 1} does that.
 */
public final class Snip implements PruningStrategy {
    @Override
    public String name() {
        return "snip";
    }

    @Override
    public String description() {
        return "SNIP: |g * w| of the loss gradient on ten examples per class (Lee et al. 2019), at init";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of(ScoringData.KEY, ScoringData.AUTO, ScoringData.SAMPLES_PER_CLASS,
                ScoringData.EXAMPLES_PER_CLASS, "train_mode", false);
    }

    @Override
    public void validate(StrategyOptions options) {
        ScoringData.validate(options);
    }

    @Override
    public Timing defaultTiming() {
        return Timing.INIT;
    }

    @Override
    public Map<String, NDArray> score(PruningContext context) {
        NDManager manager = context.manager();
        boolean train = context.options().getBoolean("train_mode");
        ShadowStore store = new ShadowStore(context.network(), manager, DataType.FLOAT32, false);
        Map<String, NDArray> leaves = new LinkedHashMap<>();
        for (PruningTarget t : context.targets()) {
            leaves.put(t.name(), store.track(t.parameter()));
        }
        for (BatchLoader.Batch batch : ScoringData.batches(context)) {
            // Activations go on a per-batch scope (results follow their first operand's manager).
            try (NDManager step = manager.newSubManager()) {
                batch.images().tempAttach(step);
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    collector.backward(CrossEntropy.loss(store.forward(batch.images(), train), batch.labels()));
                }
            }
        }
        Map<String, NDArray> scores = new LinkedHashMap<>();
        leaves.forEach((name, w) -> {
            try (NDArray g = w.getGradient()) {
                scores.put(name, g.mul(w).abs());
            }
        });
        return scores;
    }
}
