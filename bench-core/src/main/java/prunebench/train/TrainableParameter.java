package prunebench.train;

import ai.djl.nn.Parameter;

/**
 * A parameter the optimizer updates, with its unique name; {@code decayed} false exempts it from the optimizer's
 * weight decay (a parameter group without it in PyTorch: continuous sparsification's reference decays the weights,
 * not the mask parameters).
 */
public record TrainableParameter(String name, Parameter parameter, boolean decayed) {
    /** A parameter with the optimizer's weight decay. */
    public TrainableParameter(String name, Parameter parameter) {
        this(name, parameter, true);
    }
}
