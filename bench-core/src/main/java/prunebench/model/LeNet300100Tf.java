package prunebench.model;

/**
 * LeNet-300-100 as SNIP's TensorFlow code initialises it before scoring (Lee et al. 2019, namhoonlee/snip-public
 * network.py with main.py's defaults): the layers of {@link LeNet300100}, weights AND biases from
 * {@link WeightInit#TF_VARIANCE_SCALING}. The non-zero biases matter to a pruner that scores |g * b|: with zero
 * biases (lenet300-100-caffe) every bias scores 0 and is removed.
 */
public final class LeNet300100Tf extends Mlp {
    public LeNet300100Tf() {
        super("lenet300-100-tf",
                "LeNet-300-100 with TF 1.x's variance_scaling_initializer on weights and biases (SNIP's code; "
                        + "266,610 parameters on 28x28)",
                WeightInit.TF_VARIANCE_SCALING, 300, 100);
    }
}
