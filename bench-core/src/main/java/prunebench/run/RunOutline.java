package prunebench.run;

import java.math.BigDecimal;
import prunebench.config.TrainSchedule;
import prunebench.prune.DynamicSparsity;
import prunebench.prune.Gmp;
import prunebench.prune.PenalizedStrategy;
import prunebench.prune.Scratch;
import prunebench.prune.StrategyRegistry;
import prunebench.prune.Timing;

/**
 * What a run does before it is measured, as the run list ({@code --dry-run}, progress) and the report show it: when
 * it prunes and how many epochs it trains afterwards. A trained network pruned and then measured without any
 * training is called out as "no fine-tuning", so that nobody reads it as a fine-tuned result.
 *
 * @param timing      {@code pretrained} (prune the trained network, then fine-tune), {@code init} (prune the
 *                    initialisation, then train sparse) or {@code dynamic} (start from a sparse initialisation whose
 *                    masks are rewired while it trains)
 * @param epochs      the epochs trained after pruning (for an iterative run: after each level's pruning; for
 *                    Scratch-B at least this many)
 * @param compression the target compression (1: a dense control, nothing is pruned)
 * @param training    what the run does after pruning, in words (see {@link #describe})
 * @param learnEpochs the epochs a learned or penalised strategy trains its gates or under its penalty before its
 *                    prune (0 for the others): a run that learned its mask is trained even without fine-tuning
 * @param untrained   {@code timing} is pretrained but pretraining has 0 epochs: the run starts from its
 *                    initialisation (as sparse VD's paper file, which learns from scratch), and says so
 */
public record RunOutline(String timing, int epochs, double compression, String training, int learnEpochs,
        boolean untrained) {
    public static final String PRETRAINED = "pretrained";
    public static final String INIT = "init";
    public static final String DYNAMIC = "dynamic";
    public static final String NO_FINE_TUNING = "no fine-tuning";

    /** Without the network's size: an iterative run's number of levels is not given. */
    public static RunOutline of(RunSpec spec, StrategyRegistry strategies) {
        return of(spec, strategies, null);
    }

    /** {@code size} (may be null) gives an iterative run's number of levels. */
    public static RunOutline of(RunSpec spec, StrategyRegistry strategies, NetworkSize size) {
        RunOutline outline = outline(spec, strategies, size);
        boolean untrained = outline.timing.equals(PRETRAINED) && spec.pretrain().epochs() == 0;
        return new RunOutline(outline.timing, outline.epochs, outline.compression, outline.training,
                outline.learnEpochs, untrained);
    }

    private static RunOutline outline(RunSpec spec, StrategyRegistry strategies, NetworkSize size) {
        StrategyAxes axes = StrategyAxes.of(spec.strategy(), strategies);
        boolean dynamic = axes.strategy() instanceof DynamicSparsity;
        String timing = spec.timing() == Timing.PRETRAINED ? PRETRAINED : dynamic ? DYNAMIC : INIT;
        int epochs = GridPlanner.trainingSchedule(spec).epochs();
        String trains = timing.equals(PRETRAINED) ? "fine-tunes " + epochs(epochs) : "trains " + epochs(epochs);
        if (spec.isDenseControl()) {
            return new RunOutline(timing, epochs, 1, trains + (timing.equals(PRETRAINED) ? "" : " sparse"), 0, false);
        }
        if (axes.iterative()) {
            int each = IterativePlan.retrainEpochs(spec);
            double rate = axes.options().getDouble("rate");
            String text;
            if (size == null) {
                text = "levels of " + percent(rate) + layerRates(axes.options()) + " to " + number(spec.compression()) + "x, retrains "
                        + epochs(each) + " each";
            } else {
                int levels = IterativePlan.levels(spec, axes.options(), size);
                text = levels + (levels == 1 ? " level" : " levels") + " of " + percent(rate)
                        + layerRates(axes.options()) + ", retrains "
                        + epochs(each) + " each (" + epochs(levels * each)
                        + (axes.control() == prunebench.prune.Control.NONE ? ""
                                : ", and " + (levels - 1) * each + " for the ticket's own levels")
                        + ")";
            }
            return new RunOutline(timing, each, spec.compression(), text, 0, false);
        }
        if (axes.scratch() != Scratch.NONE) {
            int dense = spec.pretrain().epochs();
            return new RunOutline(timing, dense, spec.compression(), axes.scratch() == Scratch.EPOCHS
                    ? "retrains " + epochs(dense) + " from scratch (Scratch-E)"
                    : "retrains from scratch at the dense training's cost (Scratch-B: " + epochs(dense)
                            + " x dense / pruned multiply-adds)", 0, false);
        }
        if (axes.strategy() instanceof Gmp) {
            return new RunOutline(timing, epochs, spec.compression(), trains + ", pruning every "
                    + axes.options().getInt("every") + " steps from " + percent(axes.options().getDouble("start"))
                    + " to " + percent(axes.options().getDouble("end")) + " of them (cubic schedule)", 0, false);
        }
        int learn = learnEpochs(spec, axes);
        return new RunOutline(timing, epochs, spec.compression(), (learn == 0 ? "" : "learns " + epochs(learn) + ", ")
                + trains + (timing.equals(PRETRAINED) ? "" : " sparse"), learn, false);
    }

    /** imp's {@code layer_rates} as the outline says them, e.g. " (fc3 10%)"; empty when none are given. */
    private static String layerRates(prunebench.prune.StrategyOptions options) {
        java.util.Map<String, Double> rates = prunebench.prune.LayerRates.of(options);
        if (rates.isEmpty()) {
            return "";
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        rates.forEach((layer, rate) -> parts.add(layer + " " + percent(rate)));
        return " (" + String.join(", ", parts) + ")";
    }

    /** The epochs a learned or penalised strategy trains before its prune (its gates, or under its penalty). */
    private static int learnEpochs(RunSpec spec, StrategyAxes axes) {
        if (spec.isDenseControl()) {
            return 0;
        }
        TrainSchedule learning = GridPlanner.learningSchedule(axes.strategy(), axes.options(),
                GridPlanner.trainingSchedule(spec), spec.budget());
        return learning == null || axes.strategy() instanceof PenalizedStrategy p && p.duringPretraining() ? 0
                : learning.epochs();
    }

    /**
     * The epochs a run trains after pretraining, for the cost of a grid: every level's retraining of an iterative run
     * (and a control's ticket levels; one level when {@code size} is null), Scratch-E's dense epochs (a lower bound
     * for Scratch-B), otherwise the training stage's.
     */
    public static int totalEpochs(RunSpec spec, StrategyRegistry strategies, NetworkSize size) {
        StrategyAxes axes = StrategyAxes.of(spec.strategy(), strategies);
        if (!spec.isDenseControl() && axes.iterative()) {
            int each = IterativePlan.retrainEpochs(spec);
            if (size == null) {
                return each;
            }
            int levels = IterativePlan.levels(spec, axes.options(), size);
            return levels * each + (axes.control() == prunebench.prune.Control.NONE ? 0 : (levels - 1) * each);
        }
        if (!spec.isDenseControl() && axes.scratch() != Scratch.NONE) {
            return spec.pretrain().epochs();
        }
        return learnEpochs(spec, axes) + GridPlanner.trainingSchedule(spec).epochs();
    }

    /**
     * A trained network pruned and scored with no training after it (a mask learned while training, as Sparse VD's
     * or L0's, is not: the network trained with it).
     */
    public boolean noFineTuning() {
        return timing.equals(PRETRAINED) && epochs == 0 && learnEpochs == 0 && compression > 1;
    }

    /**
     * e.g. {@code pretrained, fine-tunes 1 epoch}, {@code init, trains 4 epochs sparse}, {@code pretrained, no
     * fine-tuning}, {@code pretrained, 19 levels of 20%, retrains 2 epochs each (38 epochs)}.
     */
    public String describe() {
        return (untrained ? "from its initialisation (0 pretraining epochs)" : timing) + ", "
                + (noFineTuning() ? NO_FINE_TUNING : training);
    }

    private static String epochs(int n) {
        return n + (n == 1 ? " epoch" : " epochs");
    }

    private static String percent(double fraction) {
        return BigDecimal.valueOf(fraction).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

    private static String number(double x) {
        return x == Math.rint(x) ? String.valueOf((long) x) : BigDecimal.valueOf(x).stripTrailingZeros()
                .toPlainString();
    }
}
