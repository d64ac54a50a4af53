package prunebench.model;

/**
 * How Conv/Linear weights are initialised from the run's seed (drawn in Java, so identical on CPU and GPU).
 * Biases follow PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)) unless the scheme says otherwise; BatchNorm
 * starts at gamma 1, beta 0 (see {@link ModelFactory#finishInit}).
 */
public enum WeightInit {
    /** PyTorch's nn.Conv2d / nn.Linear default: kaiming_uniform(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    PYTORCH_DEFAULT,
    /** kaiming_normal(mode=fan_in, nonlinearity=relu): N(0, 2/fan_in), as the CIFAR ResNet code uses. */
    KAIMING_NORMAL,
    /** kaiming_normal (fan_in, relu) for Conv and Linear weights, biases 0: OpenLTH / Synaptic-Flow's lottery models. */
    KAIMING_NORMAL_ZERO_BIAS,
    /**
     * rethinking-network-pruning's VGG: Conv N(0, 2 / (k*k*out_channels)) (fan out), Linear N(0, 0.01^2), biases 0.
     */
    LI2017,
    /**
     * Caffe's {@code xavier} filler with its default {@code FAN_IN} variance norm, U(-sqrt(3/fan_in), sqrt(3/fan_in))
     * (variance 1/fan_in), biases 0 ({@code constant} filler): the LeNets of Caffe's MNIST example, which Han et al.
     * 2015 and Guo et al. 2016 trained.
     */
    CAFFE_XAVIER,
    /**
     * Lasagne's {@code init.Normal()}: N(0, 0.01^2) for every weight, biases 0 ({@code Constant(0.)}): the Theano
     * LeNets of Molchanov et al. 2017's sparse variational dropout (experiments/lenet/*.py).
     */
    LASAGNE_NORMAL,
    /**
     * TensorFlow 1.x's {@code tf.variance_scaling_initializer()} with its defaults before TF 1.13 (scale 1, mode
     * fan_in, distribution "normal"): {@code truncated_normal(0, sqrt(1 / n))}, values beyond two of that standard
     * deviation drawn again, and no correction for the truncation (TF 1.13 added it), so the variance is 0.774 / n.
     * n is the fan in for weights and, as TF's {@code _compute_fans} takes for a 1-D shape, the bias's length for
     * biases, which are drawn the same way (not zero): SNIP's code (namhoonlee/snip-public, "tensorflow &lt; 1.13")
     * scores the network initialised so ({@code --initializer_w_bp vs --initializer_b_bp vs}).
     */
    TF_VARIANCE_SCALING,
    /**
     * TensorFlow 1.x's {@code tf.contrib.layers.xavier_initializer(uniform=False)}, i.e. contrib's
     * {@code variance_scaling_initializer(factor=1, mode='FAN_AVG', uniform=False)}: {@code truncated_normal(0,
     * sqrt(1.3 / n))} with n = (fan_in + fan_out) / 2 (the 1.3 roughly undoes the truncation: variance 1.006 / n),
     * biases 0 ({@code tf.layers.dense}'s default): the lottery ticket code's LeNet-300-100 (google-research/
     * lottery-ticket-hypothesis, mnist_fc/constants.py, foundations/model_fc.py).
     */
    TF_XAVIER_NORMAL
}
