package prunebench.prune;

import java.util.Locale;
import prunebench.config.ConfigException;

/**
 * The scratch baselines of Liu et al. 2019 ("Rethinking the value of network pruning", ICLR 2019), the strategy
 * parameters {@code retrain: scratch} and {@code scratch_budget}: the pruned network's masks (its architecture, for a
 * structured strategy) are kept, its weights drawn afresh, and it trains with the dense training's optimizer and
 * schedule instead of being fine-tuned.
 *
 * <ul>
 *   <li>{@link #EPOCHS} (Scratch-E): for as many epochs as the dense training;</li>
 *   <li>{@link #FLOPS} (Scratch-B): for as many training multiply-adds as the dense training, i.e. the dense epochs
 *       times dense / pruned multiply-adds per example, rounded down (the authors' code,
 *       Eric-mingjie/rethinking-network-pruning {@code cifar/l1-norm-pruning/main_B.py}:
 *       {@code int(160 * flops_std / flops_small)}), the learning-rate milestones moved with it.</li>
 * </ul>
 * {@link #NONE} is {@code retrain: finetune}, the default.
 */
public enum Scratch {
    NONE, EPOCHS, FLOPS;

    public static final String RETRAIN = "retrain";
    public static final String BUDGET = "scratch_budget";
    static final String SCRATCH = "scratch";

    /** The scratch setting of a strategy's options; bad values and combinations are bad input. */
    public static Scratch of(StrategyOptions o) {
        if (o.strategy().equals(Imp.NAME)) { // imp's retrain has values of its own
            if (o.has(BUDGET)) {
                throw new ConfigException("strategy '" + o.strategy() + "': " + BUDGET + " applies to retrain: "
                        + "scratch, which imp does not take (its control: reinit trains each level's masks from "
                        + "fresh weights)");
            }
            return NONE;
        }
        String retrain = o.has(RETRAIN) ? o.getString(RETRAIN) : "finetune";
        if (retrain.equals("finetune")) {
            if (o.has(BUDGET)) {
                throw new ConfigException("strategy '" + o.strategy() + "': " + BUDGET + " applies to retrain: "
                        + "scratch only");
            }
            return NONE;
        }
        if (!retrain.equals(SCRATCH)) {
            throw new ConfigException("strategy '" + o.strategy() + "': retrain must be finetune or scratch, got '"
                    + retrain + "'");
        }
        String budget = o.has(BUDGET) ? o.getString(BUDGET) : "epochs";
        return switch (budget.toLowerCase(Locale.ROOT)) {
            case "epochs" -> EPOCHS;
            case "flops" -> FLOPS;
            default -> throw new ConfigException("strategy '" + o.strategy() + "': " + BUDGET
                    + " must be epochs (Scratch-E) or flops (Scratch-B), got '" + budget + "'");
        };
    }

    /**
     * Scratch-B's epochs: {@code denseEpochs} times dense / pruned multiply-adds per example, rounded down as the
     * authors' code does (at least the dense epochs, since pruning never adds multiply-adds).
     */
    public static int flopsMatchedEpochs(int denseEpochs, long denseMacs, long prunedMacs) {
        if (prunedMacs <= 0) {
            throw new IllegalStateException("the pruned network has no multiply-adds left to train");
        }
        return (int) Math.max(denseEpochs, Math.floor((double) denseEpochs * denseMacs / prunedMacs));
    }
}
