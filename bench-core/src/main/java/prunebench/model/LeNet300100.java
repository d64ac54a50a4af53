package prunebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

/** LeNet-300-100: fc300-ReLU-fc100-ReLU-fc10 on flattened inputs (266,610 parameters on 28x28). */
public final class LeNet300100 implements ModelFactory {
    @Override
    public String name() {
        return "lenet300-100";
    }

    @Override
    public String description() {
        return "LeNet-300-100 multilayer perceptron (266,610 parameters on 28x28 inputs)";
    }

    /** fc1, fc2, fc3. */
    @Override
    public String torchModule(LayerPath layer) {
        return "fc" + (layer.ordinal() + 1);
    }

    @Override
    public Shape designedInput() {
        return new Shape(1, 28, 28);
    }

    @Override
    public java.util.OptionalLong multiplyAdds(Shape input, int numClasses) {
        return java.util.OptionalLong.of(input.size() * 300 + 300 * 100 + 100L * numClasses);
    }

    @Override
    public Architecture build(Shape inputShape, int numClasses) {
        Linear classifier = Layers.linear().setUnits(numClasses).build();
        SequentialBlock net = new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Layers.linear().setUnits(300).build())
                .add(Activation.reluBlock())
                .add(Layers.linear().setUnits(100).build())
                .add(Activation.reluBlock())
                .add(classifier);
        return new Architecture(net, classifier);
    }
}
