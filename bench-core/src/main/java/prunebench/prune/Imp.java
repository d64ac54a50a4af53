package prunebench.prune;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import java.util.Map;
import prunebench.config.ConfigException;

/**
 * Iterative magnitude pruning (Han et al. 2015) and the lottery ticket (Frankle &amp; Carbin 2019), as OpenLTH runs
 * them: level 0 is the dense pretrained model; every further level prunes {@code rate} of the weights still
 * remaining, scored by {@code score} (global magnitude by default), then retrains: {@code finetune} (keep the
 * weights, the fine-tuning optimizer and schedule), {@code rewind_weights} (weights back to iteration
 * {@code rewind_to} of dense training, then its schedule from there: the lottery ticket, or with k &gt; 0 Frankle
 * et al. 2020's rewinding) or {@code rewind_lr} (keep the weights, the dense schedule from its start: Renda et al.
 * 2020). Levels go on until the run's compression is reached; every level is a row of runs.csv. With
 * {@code layer_rates} the layers named remove their own fraction a level ({@link LayerRates}: Frankle &amp; Carbin's
 * output layer at 10%).
 *
 * <p>This class only carries the parameters: the run's plan is built from them by the grid planner, and the scores
 * come from the strategy named by {@code score}.
 */
public final class Imp implements PruningStrategy {
    public static final String NAME = "imp";

    /** How a level retrains after pruning. */
    public enum Retrain { FINETUNE, REWIND_WEIGHTS, REWIND_LR }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "iterative pruning: prune rate of the remaining weights per level, retrain (finetune, rewind_weights,"
                + " rewind_lr) between levels";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("rate", 0.2, "retrain", "rewind_weights", "rewind_to", Map.of("iterations", 0),
                "retrain_epochs", -1, "score", "global_magnitude", LayerRates.KEY, Map.of());
    }

    @Override
    public void validate(StrategyOptions o) {
        double rate = o.getDouble("rate");
        if (!(rate > 0 && rate < 1)) {
            throw new ConfigException("rate must be in (0, 1), got " + rate);
        }
        retrain(o);
        rewindTo(o);
        LayerRates.of(o); // the names are checked against the model when the network is built
        if (o.getInt("retrain_epochs") < -1) {
            throw new ConfigException("retrain_epochs must be >= 0, got " + o.getInt("retrain_epochs"));
        }
        if (o.getString("score").equals(NAME)) {
            throw new ConfigException("score must name a scoring strategy, not imp");
        }
    }

    public static Retrain retrain(StrategyOptions o) {
        String v = o.getString("retrain");
        try {
            return Retrain.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("retrain must be one of finetune, rewind_weights, rewind_lr, got '" + v + "'");
        }
    }

    /**
     * {@code rewind_to}: an iteration of dense training, or {@code {epochs: k}} / {@code {iterations: k}}; returns
     * {iterations, epochs}.
     */
    public static int[] rewindTo(StrategyOptions o) {
        Object v = o.raw("rewind_to");
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.intValue() >= 0) {
            return new int[] {n.intValue(), 0};
        }
        if (v instanceof Map<?, ?> m && m.size() == 1 && (m.containsKey("epochs") || m.containsKey("iterations"))
                && m.values().iterator().next() instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.intValue() >= 0) {
            return m.containsKey("epochs") ? new int[] {0, n.intValue()} : new int[] {n.intValue(), 0};
        }
        throw new ConfigException("rewind_to must be an iteration count >= 0 or {epochs: k}, got '" + v + "'");
    }

    @Override
    public Map<String, NDArray> score(PruningContext context) {
        throw new IllegalStateException("imp scores with the strategy named by its 'score' parameter");
    }
}
