package prunebench.prune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;

/**
 * imp's {@code layer_rates}: the fraction of a layer's remaining weights that each level removes, for the layers
 * named (as {@code layers.csv} names them, {@code fc3} or {@code fc3.weight}); the others remove {@code rate}.
 * Frankle &amp; Carbin 2019 prune the hidden layers of LeNet-300-100 by 20% a round and the output layer by 10%
 * (their Conv-2/4/6: convolutions 10-15%, fully connected 20%, output 10%); the authors' {@code prune_by_percent}
 * prunes each layer by its own percentage of the weights it still has.
 *
 * <p>Each named layer then keeps {@code kept - ceil(rate_l x kept)} of its weights a level, every layer selected
 * within itself (so it needs {@code distribution: uniform}); levels go on until the run's compression is reached,
 * counted with the same per-layer rates.
 */
public final class LayerRates {
    /** The option holding the map. */
    public static final String KEY = "layer_rates";

    private LayerRates() {}

    /** The validated map (empty when not given or given empty), in the order written. */
    public static Map<String, Double> of(StrategyOptions options) {
        if (!options.has(KEY)) {
            return Map.of();
        }
        Object raw = options.raw(KEY);
        if (!(raw instanceof Map<?, ?> map)) {
            throw new ConfigException(KEY + " must be a map of prunable layer (as in layers.csv) to the fraction of "
                    + "its remaining weights each level removes, e.g. {fc3: 0.1}, got " + raw);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (!(v instanceof Number n) || !(n.doubleValue() > 0 && n.doubleValue() < 1)) {
                throw new ConfigException(KEY + "." + k + ": must be a rate (fraction of the remaining weights "
                        + "removed each level) in (0, 1), got " + v);
            }
            out.put(String.valueOf(k), n.doubleValue());
        });
        return out;
    }

    /** Each tensor's rate, in the order of {@code tensors}: its own where named, otherwise {@code rate}. */
    public static double[] resolve(Map<String, Double> given, double rate, List<LayerDensities.Tensor> tensors,
            String model) {
        double[] out = LayerDensities.perTensor(KEY, given, tensors, model, false);
        for (int i = 0; i < out.length; i++) {
            if (Double.isNaN(out[i])) {
                out[i] = rate;
            }
        }
        return out;
    }

    /** What each tensor keeps after one level: {@code kept_i - ceil(rate_i x kept_i)}. */
    public static long[] keepAfterLevel(long[] kept, double[] rates) {
        long[] out = new long[kept.length];
        for (int i = 0; i < kept.length; i++) {
            out[i] = kept[i] - (long) Math.ceil(rates[i] * kept[i]);
        }
        return out;
    }

    /**
     * Levels of {@link #keepAfterLevel} from dense tensors of {@code sizes} until at most {@code keep} entries are
     * left in all (at least one level; none once nothing more can be removed).
     */
    public static int levels(long[] sizes, double[] rates, long keep) {
        long[] kept = sizes.clone();
        int levels = 0;
        while (sum(kept) > keep && sum(kept) > 0) {
            long[] next = keepAfterLevel(kept, rates);
            if (java.util.Arrays.equals(next, kept)) {
                break;
            }
            kept = next;
            levels++;
        }
        return Math.max(1, levels);
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long x : a) {
            s += x;
        }
        return s;
    }
}
