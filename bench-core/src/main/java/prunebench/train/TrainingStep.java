package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.List;

/**
 * The bare training step, shared by the training loop ({@link Trainer}) and {@code scripts/bench}'s
 * {@code train_step} row: forward and cross-entropy in the gradient collector, backward, then (in {@link #run}) the
 * optimizer step and zeroed gradients. Get one from {@link Trainer#newStep}.
 */
public final class TrainingStep {
    /** The phases {@link #run} times, in order. */
    public static final String[] PHASES = {"forward", "loss", "backward", "optimizer", "zero_grad"};
    private final NDManager manager;
    private final Objective objective;
    private final List<TrainableParameter> parameters;
    private final Optimizer optimizer;

    TrainingStep(NDManager manager, Objective objective, List<TrainableParameter> parameters, Optimizer optimizer) {
        this.manager = manager;
        this.objective = objective;
        this.parameters = parameters;
        this.optimizer = optimizer;
    }

    /**
     * Forward, loss and backward on a batch; returns {logits, loss} on {@code scope}. {@code clock}, when not
     * null, times the first three phases.
     */
    NDArray[] forwardBackward(NDManager scope, NDArray images, NDArray labels, PhaseClock clock) {
        return forwardBackward(scope, images, labels, clock, 0, 1);
    }

    /**
     * The same at training step {@code globalStep} of {@code totalSteps}: the forward pass sees the
     * reparameterised weights and the loss gets the penalties and the gates' term, if any; returns {logits,
     * cross-entropy, total loss}.
     */
    NDArray[] forwardBackward(NDManager scope, NDArray images, NDArray labels, PhaseClock clock, long globalStep,
            long totalSteps) {
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            if (clock != null) {
                clock.start();
            }
            NDArray logits = objective.forward(scope, images, globalStep);
            if (clock != null) {
                clock.lap(0);
            }
            NDArray loss = CrossEntropy.loss(logits, labels);
            NDArray total = objective.total(loss, scope, globalStep, totalSteps);
            if (clock != null) {
                clock.lap(1);
            }
            collector.backward(total);
            if (clock != null) {
                clock.lap(2);
            }
            return new NDArray[] {logits, loss, total};
        }
    }

    /** One whole bare step with learning rate {@code lr}; {@code clock} (or null) times each phase. */
    public void run(NDManager scope, NDArray images, NDArray labels, double lr, PhaseClock clock) {
        forwardBackward(scope, images, labels, clock);
        optimizer.step(lr);
        if (clock != null) {
            clock.lap(3);
        }
        zeroGradients();
        if (clock != null) {
            clock.lap(4);
        }
    }

    void zeroGradients() {
        for (TrainableParameter p : parameters) {
            JniUtils.zeroGrad((PtNDArray) p.parameter().getArray());
        }
    }
}
