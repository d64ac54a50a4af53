package prunebench.run;

import prunebench.prune.DynamicSparsity;
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
 */
public record RunOutline(String timing, int epochs, double compression) {
    public static final String PRETRAINED = "pretrained";
    public static final String INIT = "init";
    public static final String DYNAMIC = "dynamic";
    public static final String NO_FINE_TUNING = "no fine-tuning";

    public static RunOutline of(RunSpec spec, StrategyRegistry strategies) {
        boolean dynamic = strategies.get(spec.strategy().name()) instanceof DynamicSparsity;
        String timing = spec.timing() == Timing.PRETRAINED ? PRETRAINED : dynamic ? DYNAMIC : INIT;
        return new RunOutline(timing, RunExecutor.trainingSchedule(spec).epochs(), spec.compression());
    }

    /** A trained network pruned and scored with no training after it. */
    public boolean noFineTuning() {
        return timing.equals(PRETRAINED) && epochs == 0 && compression > 1;
    }

    /** e.g. {@code pretrained, fine-tunes 1 epoch}, {@code init, trains 4 epochs sparse}, {@code pretrained, no fine-tuning}. */
    public String describe() {
        if (noFineTuning()) {
            return timing + ", " + NO_FINE_TUNING;
        }
        String n = epochs + (epochs == 1 ? " epoch" : " epochs");
        return timing + ", " + (timing.equals(PRETRAINED) ? "fine-tunes " + n : "trains " + n + " sparse");
    }
}
