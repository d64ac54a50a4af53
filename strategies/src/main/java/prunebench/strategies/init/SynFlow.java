package prunebench.strategies.init;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.Timing;

/**
 * SynFlow (Tanaka et al. 2020), data-free: every parameter, BatchNorm running statistics included, is replaced by
 * its absolute value, the network runs in eval mode on one all-ones input of the data's shape, R is the sum of
 * its outputs and a weight scores |w * dR/dw|; by default over 100 rounds of the exponential schedule, which is
 * what keeps layers from collapsing. The pass runs on stand-ins ({@link ShadowStore}), so the model's values and
 * signs are never touched. R is a product over layers and overflows float32 in deep networks (Synaptic-Flow's
 * code computes in float32 with its float64 lines commented out), hence {@code precision: double} by default.
 */
public final class SynFlow implements PruningStrategy {
    @Override
    public String name() {
        return "synflow";
    }

    @Override
    public String description() {
        return "SynFlow: data-free |w * dR/dw| of the absolute network, 100 rounds (Tanaka et al. 2020), at init";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("iterations", 100, "precision", "double");
    }

    @Override
    public Timing defaultTiming() {
        return Timing.INIT;
    }

    @Override
    public Map<String, NDArray> score(PruningContext context) {
        DataType type = switch (context.options().getString("precision")) {
            case "double" -> DataType.FLOAT64;
            case "float" -> DataType.FLOAT32;
            default -> throw new ConfigException("strategy '" + context.options().strategy()
                    + "': parameter 'precision' must be 'double' or 'float', got '"
                    + context.options().getString("precision") + "'");
        };
        NDManager manager = context.manager();
        ShadowStore store = new ShadowStore(context.network(), manager, type, true);
        Map<String, NDArray> leaves = new LinkedHashMap<>();
        for (PruningTarget t : context.targets()) {
            leaves.put(t.name(), store.track(t.parameter()));
        }
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray ones = manager.ones(new Shape(1).addAll(context.network().inputShape()), type);
            collector.backward(store.forward(ones, false).sum());
        }
        Map<String, NDArray> scores = new LinkedHashMap<>();
        double max = 0;
        for (Map.Entry<String, NDArray> e : leaves.entrySet()) {
            try (NDArray g = e.getValue().getGradient()) {
                NDArray s = g.mul(e.getValue()).abs();
                scores.put(e.getKey(), s);
                try (NDArray m = s.max()) {
                    max = Math.max(max, m.toArray()[0].doubleValue());
                }
            }
        }
        // The Pruner ranks float32: scale by a power of two (exact) so the largest score lies in [1, 2); a score
        // that overflowed float32 in double precision keeps its rank, and only scores below 2^-149 of the largest
        // would tie at zero.
        if (max > 0 && Double.isFinite(max)) {
            double factor = Math.scalb(1.0, -Math.getExponent(max));
            scores.values().forEach(s -> s.muli(factor));
        }
        return scores;
    }
}
