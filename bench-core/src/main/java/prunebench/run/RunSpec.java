package prunebench.run;

import prunebench.config.Canonical;
import prunebench.config.DatasetSpec;
import prunebench.config.StrategySpec;
import prunebench.config.TrainSchedule;
import prunebench.prune.Distribution;
import prunebench.prune.InitScale;
import prunebench.prune.Timing;

/**
 * One cell of the grid: everything that determines its result, and nothing else (no paths, devices or thread
 * counts), so that its hash is the run's identity.
 *
 * @param strategy    the strategy as written in the experiment (name, label, parameters)
 * @param timing      prune the pretrained model, or the initialisation
 * @param pretrain    the dense pretraining schedule (for timing INIT: the schedule of sparse training)
 * @param finetune    the fine-tuning schedule (for timing INIT its epochs are added to the sparse training)
 * @param initScale   the scale of the sparse initial weights (timing INIT only; always DENSE for a pretrained run)
 * @param compressionOf what the compression counts: {@code all} trainable parameters or the {@code prunable} ones
 * @param budget      the factor the experiment's epoch counts were scaled by (1 = the whole protocol); recorded
 *                    with the result and, when not 1, part of the identity (it scales strategy parameters such as
 *                    imp's retrain_epochs, which the identity holds unscaled)
 */
public record RunSpec(
        String model, DatasetSpec dataset, long seed, StrategySpec strategy, double compression,
        boolean pruneClassifier, boolean pruneBiases, Timing timing, Distribution distribution, int iterations,
        boolean denseFirstLayer, TrainSchedule pretrain, TrainSchedule finetune, InitScale initScale,
        String compressionOf, double budget) {

    /** The whole protocol, compression over all parameters. */
    public RunSpec(String model, DatasetSpec dataset, long seed, StrategySpec strategy, double compression,
            boolean pruneClassifier, boolean pruneBiases, Timing timing, Distribution distribution, int iterations,
            boolean denseFirstLayer, TrainSchedule pretrain, TrainSchedule finetune, InitScale initScale) {
        this(model, dataset, seed, strategy, compression, pruneClassifier, pruneBiases, timing, distribution,
                iterations, denseFirstLayer, pretrain, finetune, initScale, prunebench.config.PruningSpec.ALL, 1.0);
    }

    /** With the dense initialisation scale, the whole protocol, compression over all parameters. */
    public RunSpec(String model, DatasetSpec dataset, long seed, StrategySpec strategy, double compression,
            boolean pruneClassifier, boolean pruneBiases, Timing timing, Distribution distribution, int iterations,
            boolean denseFirstLayer, TrainSchedule pretrain, TrainSchedule finetune) {
        this(model, dataset, seed, strategy, compression, pruneClassifier, pruneBiases, timing, distribution,
                iterations, denseFirstLayer, pretrain, finetune, InitScale.DENSE);
    }

    /** Human-readable and unique: {@code <label>-c<compression>-s<seed>-<hash8>}. */
    public String runId() {
        String c = compression == Math.rint(compression) ? String.valueOf((long) compression) : String.valueOf(compression);
        return strategy.idLabel() + "-c" + c + "-s" + seed + "-"
                + identity().substring(0, 8);
    }

    /**
     * The full hash of what determines the result. The label is left out: renaming a strategy in the tables must not
     * rerun it. Kept as the canonical text of this record so that existing run ids stay valid; the run's config
     * ({@link prunebench.config.Settings}, hashed from the same settings in the user's keys) matches it: two runs have
     * the same config, seed and compression exactly when they have the same identity (RunIdentityTest).
     */
    public String identity() {
        DatasetSpec data = dataset.withoutRoot();
        // the record itself once a key added after DataIdentity is set (normalize is left out while null)
        Object dataIdentity = data.validation() == null && data.normalize() == null
                ? new DataIdentity(data.name(), data.root(), data.maxTrain(), data.maxTest(), data.augment(),
                        data.content())
                : data;
        Object id = new Identity(model, dataIdentity, seed, new StrategySpec(strategy.name(),
                strategy.name(), strategy.params()), compression, pruneClassifier, pruneBiases, timing, distribution,
                iterations, denseFirstLayer, pretrain, finetune);
        // Defaults hash as before their keys existed, so that stored runs keep their identity.
        if (initScale != InitScale.DENSE) {
            id = new ScaledIdentity(id, initScale);
        }
        if (!prunebench.config.PruningSpec.ALL.equals(compressionOf)) {
            id = new CountedIdentity(id, compressionOf);
        }
        if (budget != 1) { // it also scales epoch counts that are strategy parameters (imp's retrain_epochs)
            id = new BudgetIdentity(id, budget);
        }
        return Canonical.hash(id);
    }

    /** What was hashed before {@code init_scale}: every component but the scale. */
    private record Identity(
            String model, Object dataset, long seed, StrategySpec strategy, double compression,
            boolean pruneClassifier, boolean pruneBiases, Timing timing, Distribution distribution, int iterations,
            boolean denseFirstLayer, TrainSchedule pretrain, TrainSchedule finetune) {}

    private record ScaledIdentity(Object run, InitScale initScale) {}

    private record CountedIdentity(Object run, String compressionOf) {}

    private record BudgetIdentity(Object run, double budget) {}

    /** A dataset as hashed before {@code validation}: every component but the hold-out. */
    private record DataIdentity(String name, String root, Integer maxTrain, Integer maxTest, Boolean augment,
            String content) {}

    /**
     * Whether this run is a dense control: nothing is pruned at compression 1, so the strategy does not matter and
     * one run per (seed, timing) serves every strategy.
     */
    public boolean isDenseControl() {
        return compression == 1;
    }
}
