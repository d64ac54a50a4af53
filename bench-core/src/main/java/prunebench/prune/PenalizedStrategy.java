package prunebench.prune;

import prunebench.config.PenaltySpec;

/**
 * A strategy that prunes what a penalised training left small: network slimming trains the dense model with an L1
 * penalty on the BatchNorm scales ({@link #duringPretraining()}: the penalty joins the run's pretraining schedule,
 * hence the dense model's identity), SSL trains the pretrained model with a group-lasso penalty in a stage of its
 * own ({@code learn_epochs} epochs of the fine-tuning schedule) before the channels are removed. The scores are the
 * strategy's as usual; the penalty is the {@link PenaltySpec} this returns.
 */
public interface PenalizedStrategy extends PruningStrategy {
    PenaltySpec penalty(StrategyOptions options);

    /**
     * The penalty of a run toward {@code compression}: what a penalty whose weak set follows the run's target
     * (auto-balanced regularisation's filters to be removed) overrides; {@link #penalty(StrategyOptions)} otherwise.
     */
    default PenaltySpec penalty(StrategyOptions options, double compression) {
        return penalty(options);
    }

    /** True: the penalty applies to the dense pretraining; false: to a training stage before the prune. */
    boolean duringPretraining();
}
