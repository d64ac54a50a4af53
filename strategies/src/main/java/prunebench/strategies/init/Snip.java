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
import prunebench.prune.Timing;
import prunebench.train.CrossEntropy;

/**
 * SNIP (Lee et al. 2019): connection sensitivity |dL/dc| of a mask c = 1 on each weight, which is |g * w| with g
 * the gradient of the cross-entropy summed over a few training batches, one ranking across all layers, at
 * initialisation. The forward runs in training mode (batch statistics, as the original code scores a fresh
 * network) unless {@code train_mode: false} (Synaptic-Flow's default); either way the network is not written.
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
        return Map.of(ScoringData.KEY, ScoringData.AUTO, "train_mode", true);
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
