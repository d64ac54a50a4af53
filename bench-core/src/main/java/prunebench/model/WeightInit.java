package prunebench.model;

/**
 * How Conv/Linear weights are initialised from the run's seed (drawn in Java, so identical on CPU and GPU).
 * Biases always follow PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)); BatchNorm starts at gamma 1, beta 0.
 */
public enum WeightInit {
    /** PyTorch's nn.Conv2d / nn.Linear default: kaiming_uniform(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    PYTORCH_DEFAULT,
    /** kaiming_normal(mode=fan_in, nonlinearity=relu): N(0, 2/fan_in), as the CIFAR ResNet code uses. */
    KAIMING_NORMAL
}
