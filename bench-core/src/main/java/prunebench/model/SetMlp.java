package prunebench.model;

/**
 * The MNIST multilayer perceptron of Mocanu et al. 2018 (SET, Nature Communications): three hidden layers of 1,000
 * units, 784-1000-1000-1000-10 (2,797,010 parameters on 28x28 inputs). Weights of variance 1/fan_in and zero biases
 * ({@link WeightInit#CAFFE_XAVIER}); the authors' Keras code (SET-MLP-Keras-Weights-Mask) uses Keras's default
 * glorot_uniform (variance 2/(fan_in + fan_out), equal for the 1000x1000 layers) and SReLU activations with dropout
 * 0.3 after every hidden layer, which this model does not have: it uses ReLU and no dropout.
 */
public final class SetMlp extends Mlp {
    public SetMlp() {
        super("mlp1000x3",
                "784-1000-1000-1000-10 MLP of Mocanu et al. 2018 (SET), ReLU, 2,797,010 parameters on 28x28 inputs",
                WeightInit.CAFFE_XAVIER, 1000, 1000, 1000);
    }
}
