package prunebench.model;

import ai.djl.ndarray.types.Shape;
import java.util.OptionalLong;

/**
 * LeNet-300-100 as Caffe-era pruning papers trained it (Han et al. 2015, Guo et al. 2016, Lee et al. 2019's SNIP):
 * the layers of {@link LeNet300100}, weights of variance 1/fan_in (Caffe's {@code xavier} filler,
 * {@link WeightInit#CAFFE_XAVIER}) and zero biases, instead of PyTorch's default U(+-1/sqrt(fan_in)) (variance
 * 1/(3 fan_in)) and random biases.
 */
public final class LeNet300100Caffe implements ModelFactory {
    private final LeNet300100 layers = new LeNet300100();

    @Override
    public String name() {
        return "lenet300-100-caffe";
    }

    @Override
    public String description() {
        return "LeNet-300-100 with Caffe's xavier initialisation and zero biases (266,610 parameters on 28x28)";
    }

    @Override
    public String torchModule(LayerPath layer) {
        return layers.torchModule(layer);
    }

    @Override
    public Shape designedInput() {
        return layers.designedInput();
    }

    @Override
    public OptionalLong multiplyAdds(Shape input, int numClasses) {
        return layers.multiplyAdds(input, numClasses);
    }

    @Override
    public WeightInit weightInit() {
        return WeightInit.CAFFE_XAVIER;
    }

    @Override
    public Architecture build(Shape inputShape, int numClasses) {
        return layers.build(inputShape, numClasses);
    }
}
