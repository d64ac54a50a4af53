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
 * LeNet-5 as in ShrinkBench: conv5x5(6, pad 2)-ReLU-maxpool2-conv5x5(16)-ReLU-maxpool2-fc120-ReLU-fc84-ReLU-fc10.
 * On 1x28x28 inputs: 61,706 parameters and 416,520 multiply-adds.
 */
public final class LeNet5 implements ModelFactory {
    @Override
    public String name() {
        return "lenet5";
    }

    @Override
    public String description() {
        return "LeNet-5 (61,706 parameters on 28x28 inputs)";
    }

    @Override
    public Shape designedInput() {
        return new Shape(1, 28, 28);
    }

    /** Two 2x2 poolings around an unpadded 5x5 convolution: (H/2 - 4)/2 >= 1. */
    @Override
    public int minInputSide() {
        return 12;
    }

    @Override
    public OptionalLong multiplyAdds(Shape input, int numClasses) {
        long c = input.get(0);
        long h = input.get(1);
        long w = input.get(2);
        long h2 = h / 2 - 4;
        long w2 = w / 2 - 4;
        return OptionalLong.of(6 * 25 * c * h * w + 16 * 25 * 6 * h2 * w2 + 16 * (h2 / 2) * (w2 / 2) * 120 + 120 * 84
                + 84L * numClasses);
    }

    /** As ShrinkBench's and most PyTorch LeNet-5s: conv1, conv2, fc1, fc2, fc3. */
    @Override
    public String torchModule(LayerPath layer) {
        return List.of("conv1", "conv2", "fc1", "fc2", "fc3").get(layer.ordinal());
    }

    @Override
    public Architecture build(Shape inputShape, int numClasses) {
        Linear classifier = Layers.linear().setUnits(numClasses).build();
        SequentialBlock net = new SequentialBlock()
                .add(Layers.conv2d().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(6).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Layers.conv2d().setKernelShape(new Shape(5, 5)).setFilters(16).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Layers.linear().setUnits(120).build())
                .add(Activation.reluBlock())
                .add(Layers.linear().setUnits(84).build())
                .add(Activation.reluBlock())
                .add(classifier);
        return new Architecture(net, classifier);
    }
}
