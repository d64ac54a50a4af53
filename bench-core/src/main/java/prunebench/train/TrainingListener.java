package prunebench.train;

/** Hooks into the training loop: mask updates of dynamic sparse training, checkpoints, logging. */
public interface TrainingListener {
    /**
     * Called after the backward pass and before the optimizer step (which it does not see when
     * {@link #replacesOptimizerStep} takes the step over): a listener may add to the gradients here. Network surgery
     * adds the weight decay of the pruned weights it keeps beside the network, which the optimizer, seeing zeros,
     * would not decay.
     */
    default void beforeOptimizerStep(int epoch, int step, int globalStep, int totalSteps) {}

    /**
     * Called after the optimizer step and the mask re-application, while this step's gradients are still present.
     *
     * @param globalStep 0-based step counted over the whole stage
     */
    default void afterStep(int epoch, int step, int globalStep, int totalSteps) {}

    /**
     * Whether this listener takes step {@code globalStep} (0-based) over from the optimizer: the trainer then makes no
     * optimizer step (weights and optimizer state stay as they were; the gradients are still computed and passed to
     * {@link #afterStep}). RigL's reference updates the masks in place of the optimizer step.
     */
    default boolean replacesOptimizerStep(int globalStep, int totalSteps) {
        return false;
    }

    /**
     * Called every few steps with the epoch's running figures, for progress displays.
     *
     * @param meanLoss  mean training loss of the epoch so far
     * @param trainTop1 training top-1 of the epoch so far
     */
    default void progress(int epoch, int step, int steps, double meanLoss, double trainTop1) {}

    /** Called after each epoch's evaluation. */
    default void afterEpoch(EpochRecord record) {}
}
