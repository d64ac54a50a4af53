package prunebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.OptionalLong;

/**
 * The MNIST multilayer perceptron of Mocanu et al. 2018 (SET, Nature Communications): three hidden layers of 1,000
 * units, 784-1000-1000-1000-10 (2,797,010 parameters on 28x28 inputs). Weights of variance 1/fan_in and zero biases
 * ({@link WeightInit#CAFFE_XAVIER}); the authors' Keras code (SET-MLP-Keras-Weights-Mask) uses Keras's default
 * glorot_uniform (variance 2/(fan_in + fan_out), equal for the 1000x1000 layers) and SReLU activations with dropout
 * 0.3 after every hidden layer, which this model does not have: it uses ReLU and no dropout.
 */
public final class SetMlp implements ModelFactory {
    static final int HIDDEN = 1000;
    static final int DEPTH = 3;

    @Override
    public String name() {
        return "mlp1000x3";
    }

    @Override
    public String description() {
        return "784-1000-1000-1000-10 MLP of Mocanu et al. 2018 (SET), ReLU, 2,797,010 parameters on 28x28 inputs";
    }

    /** fc1 .. fc4. */
    @Override
    public String torchModule(LayerPath layer) {
        return "fc" + (layer.ordinal() + 1);
    }

    @Override
    public Shape designedInput() {
        return new Shape(1, 28, 28);
    }

    @Override
    public OptionalLong multiplyAdds(Shape input, int numClasses) {
        return OptionalLong.of(input.size() * HIDDEN + (DEPTH - 1L) * HIDDEN * HIDDEN + (long) HIDDEN * numClasses);
    }

    @Override
    public WeightInit weightInit() {
        return WeightInit.CAFFE_XAVIER;
    }

    @Override
    public Architecture build(Shape inputShape, int numClasses) {
        SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock());
        for (int i = 0; i < DEPTH; i++) {
            net.add(Layers.linear().setUnits(HIDDEN).build()).add(Activation.reluBlock());
        }
        Linear classifier = Layers.linear().setUnits(numClasses).build();
        net.add(classifier);
        return new Architecture(net, classifier);
    }
}
