package prunebench.model;

/**
 * LeNet-300-100 as Caffe-era pruning papers trained it (Han et al. 2015, Guo et al. 2016, Lee et al. 2019's SNIP):
 * the layers of {@link LeNet300100}, weights of variance 1/fan_in (Caffe's {@code xavier} filler,
 * {@link WeightInit#CAFFE_XAVIER}) and zero biases, instead of PyTorch's default U(+-1/sqrt(fan_in)) (variance
 * 1/(3 fan_in)) and random biases.
 */
public final class LeNet300100Caffe extends Mlp {
    public LeNet300100Caffe() {
        super("lenet300-100-caffe",
                "LeNet-300-100 with Caffe's xavier initialisation and zero biases (266,610 parameters on 28x28)",
                WeightInit.CAFFE_XAVIER, 300, 100);
    }
}
