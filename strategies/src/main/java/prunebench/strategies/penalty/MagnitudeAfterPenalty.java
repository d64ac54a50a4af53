package prunebench.strategies.penalty;

import java.util.Locale;
import prunebench.config.ConfigException;
import prunebench.prune.LearnedMask;
import prunebench.prune.PenalizedStrategy;
import prunebench.prune.StrategyOptions;
import prunebench.strategies.magnitude.GlobalMagnitude;

/**
 * The shape the penalty strategies share: the pretrained network is trained for {@code learn_epochs} (-1, the
 * default: the fine-tuning's epochs) with the fine-tuning schedule plus the strategy's penalty on the prune's targets
 * (the "sparsify" stage), then the weights of lowest |w| are pruned to the run's compression in one global ranking
 * (global magnitude) and the network is fine-tuned. The penalty itself is bench-core's ({@code
 * prunebench.train.Penalty}); a strategy only names it and maps its YAML keys onto it.
 */
abstract class MagnitudeAfterPenalty extends GlobalMagnitude implements PenalizedStrategy {
    @Override
    public boolean duringPretraining() {
        return false;
    }

    @Override
    public void validate(StrategyOptions o) {
        if (o.getInt(LearnedMask.LEARN_EPOCHS) < -1) {
            throw new ConfigException("learn_epochs must be a non-negative integer (or -1: the fine-tuning's), got "
                    + o.raw(LearnedMask.LEARN_EPOCHS));
        }
    }

    /** {@code key} must be a positive, finite number. */
    static double positive(StrategyOptions o, String key) {
        double v = o.getDouble(key);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new ConfigException(key + " must be a positive number, got " + o.raw(key));
        }
        return v;
    }

    /**
     * The penalty ranks all targets together toward the run's weight budget, so the prune must too: a per-layer
     * distribution would prune other weights than the ones penalised.
     */
    static void globalOnly(StrategyOptions o, String name) {
        boolean global = (!o.has("distribution") || o.getString("distribution").toLowerCase(Locale.ROOT)
                .equals("global")) && (!o.has("scope") || o.getString("scope").equals("global"));
        if (!global) {
            throw new ConfigException(name + " penalises the weights outside one global ranking of |w|, so it prunes "
                    + "with distribution global only, got " + (o.has("scope") ? "scope " + o.raw("scope")
                            : "distribution " + o.raw("distribution")));
        }
        if (o.has("iterations") && o.getInt("iterations") != 1) {
            throw new ConfigException(name + " trains toward one target before one prune: iterations must be 1, got "
                    + o.raw("iterations"));
        }
    }
}
