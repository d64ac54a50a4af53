package prunebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import java.util.OptionalLong;

/**
 * LeNet-5 as in Caffe's MNIST example ({@code examples/mnist/lenet_train_test.prototxt}), the "LeNet-5" of Han et al.
 * 2015 and Guo et al. 2016 and the "LeNet-5-Caffe" of Lee et al. 2019 (SNIP): conv5x5(20)-maxpool2-conv5x5(50)-
 * maxpool2-fc500-ReLU-fc10, no padding and no activation after the convolutions (as the prototxt; SNIP's
 * {@code network.py} LeNet5 is the same). On 1x28x28 inputs: 431,080 parameters, 2,293,000 multiply-adds. Weights
 * are Caffe's {@code xavier} filler, biases 0 ({@link WeightInit#CAFFE_XAVIER}). conv2's 20 input channels are padded
 * to 32 inside the forward pass ({@link BlockPaddedConv2d}).
 */
public class LeNet5Caffe implements ModelFactory {
    private final String name;
    private final String description;
    private final WeightInit weightInit;

    public LeNet5Caffe() {
        this("lenet5-caffe", "LeNet-5 of Caffe's MNIST example (conv20-conv50-fc500-fc10, 431,080 parameters on 28x28 "
                + "inputs)", WeightInit.CAFFE_XAVIER);
    }

    private LeNet5Caffe(String name, String description, WeightInit weightInit) {
        this.name = name;
        this.description = description;
        this.weightInit = weightInit;
    }

    /**
     * The same layers initialised as SNIP's TF code scores them ({@code network.py} LeNet5 with main.py's defaults):
     * weights and biases from {@link WeightInit#TF_VARIANCE_SCALING}, where lenet5-caffe's biases are 0.
     */
    public static final class Tf extends LeNet5Caffe {
        public Tf() {
            super("lenet5-caffe-tf", "LeNet-5 of Caffe's MNIST example with TF 1.x's variance_scaling_initializer on "
                    + "weights and biases (SNIP's code)", WeightInit.TF_VARIANCE_SCALING);
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public Shape designedInput() {
        return new Shape(1, 28, 28);
    }

    /** Two 2x2 poolings after unpadded 5x5 convolutions: ((H - 4)/2 - 4)/2 >= 1. */
    @Override
    public int minInputSide() {
        return 16;
    }

    @Override
    public final WeightInit weightInit() {
        return weightInit;
    }

    @Override
    public OptionalLong multiplyAdds(Shape input, int numClasses) {
        long c = input.get(0);
        long h1 = input.get(1) - 4;
        long w1 = input.get(2) - 4;
        long h2 = h1 / 2 - 4;
        long w2 = w1 / 2 - 4;
        return OptionalLong.of(20 * 25 * c * h1 * w1 + 50 * 25 * 20 * h2 * w2 + 50 * (h2 / 2) * (w2 / 2) * 500
                + 500L * numClasses);
    }

    /** As the prototxt's layer names: conv1, conv2, ip1, ip2. */
    @Override
    public String torchModule(LayerPath layer) {
        return List.of("conv1", "conv2", "ip1", "ip2").get(layer.ordinal());
    }

    @Override
    public Architecture build(Shape inputShape, int numClasses) {
        Linear classifier = Layers.linear().setUnits(numClasses).build();
        SequentialBlock net = new SequentialBlock()
                .add(Layers.conv2d().setKernelShape(new Shape(5, 5)).setFilters(20).build())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(BlockPaddedConv2d.of(new Shape(5, 5), 50))
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Layers.linear().setUnits(500).build())
                .add(Activation.reluBlock())
                .add(classifier);
        return new Architecture(net, classifier);
    }
}
