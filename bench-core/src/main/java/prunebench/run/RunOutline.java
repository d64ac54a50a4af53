package prunebench.run;

import prunebench.config.TrainSchedule;
import prunebench.prune.DynamicSparsity;
import prunebench.prune.PenalizedStrategy;
import prunebench.prune.PruningStrategy;
import prunebench.prune.StrategyOptions;
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
 * @param epochs      the epochs trained after pruning
 * @param compression the target compression (1: a dense control, nothing is pruned)
 * @param learnEpochs the epochs a learned or penalised strategy trains before it prunes (its gates, or the
 *                    network under its penalty), 0 for the others
 */
public record RunOutline(String timing, int epochs, double compression, int learnEpochs) {
    public RunOutline(String timing, int epochs, double compression) {
        this(timing, epochs, compression, 0);
    }

    public static final String PRETRAINED = "pretrained";
    public static final String INIT = "init";
    public static final String DYNAMIC = "dynamic";
    public static final String NO_FINE_TUNING = "no fine-tuning";

    public static RunOutline of(RunSpec spec, StrategyRegistry strategies) {
        boolean dynamic = strategies.get(spec.strategy().name()) instanceof DynamicSparsity;
        String timing = spec.timing() == Timing.PRETRAINED ? PRETRAINED : dynamic ? DYNAMIC : INIT;
        PruningStrategy strategy = strategies.get(spec.strategy().name());
        int learn = 0;
        if (!spec.isDenseControl()) {
            TrainSchedule learning = GridPlanner.learningSchedule(strategy, new StrategyOptions(strategy.name(),
                    strategy.parameterDefaults(), spec.strategy().params()), GridPlanner.trainingSchedule(spec),
                    spec.budget());
            learn = learning == null || strategy instanceof PenalizedStrategy p && p.duringPretraining() ? 0
                    : learning.epochs();
        }
        return new RunOutline(timing, GridPlanner.epochsAfterPruning(spec), spec.compression(), learn);
    }

    /** A trained network pruned and scored with no training after it. */
    public boolean noFineTuning() {
        return timing.equals(PRETRAINED) && epochs == 0 && compression > 1;
    }

    /**
     * e.g. {@code pretrained, fine-tunes 1 epoch}, {@code pretrained, learns 2 epochs, fine-tunes 1 epoch},
     * {@code init, trains 4 epochs sparse}, {@code pretrained, no fine-tuning}.
     */
    public String describe() {
        if (noFineTuning()) {
            return timing + ", " + NO_FINE_TUNING;
        }
        String n = epochs + (epochs == 1 ? " epoch" : " epochs");
        String learns = learnEpochs == 0 ? "" : "learns " + learnEpochs + (learnEpochs == 1 ? " epoch" : " epochs")
                + ", ";
        return timing + ", " + learns + (timing.equals(PRETRAINED) ? "fine-tunes " + n : "trains " + n + " sparse");
    }
}
