package prunebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.OptionalLong;

/**
 * The multilayer perceptrons on flattened MNIST-sized inputs: Linear-ReLU for each hidden width, then the Linear
 * classifier, named fc1, fc2, ... as in the PyTorch models. The registered ones are subclasses that give their name,
 * widths and initialisation, so that the initialisations of one architecture (LeNet-300-100 and its Caffe and Lasagne
 * forms) build the same layers.
 */
abstract class Mlp implements ModelFactory {
    private final String name;
    private final String description;
    private final WeightInit weightInit;
    private final int[] hidden;

    Mlp(String name, String description, WeightInit weightInit, int... hidden) {
        this.name = name;
        this.description = description;
        this.weightInit = weightInit;
        this.hidden = hidden.clone();
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    /** fc1 .. fc(hidden layers + 1). */
    @Override
    public final String torchModule(LayerPath layer) {
        return "fc" + (layer.ordinal() + 1);
    }

    @Override
    public final Shape designedInput() {
        return new Shape(1, 28, 28);
    }

    @Override
    public final OptionalLong multiplyAdds(Shape input, int numClasses) {
        long macs = 0;
        long fanIn = input.size();
        for (int width : hidden) {
            macs += fanIn * width;
            fanIn = width;
        }
        return OptionalLong.of(macs + fanIn * numClasses);
    }

    @Override
    public final WeightInit weightInit() {
        return weightInit;
    }

    @Override
    public final Architecture build(Shape inputShape, int numClasses) {
        SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock());
        for (int width : hidden) {
            net.add(Layers.linear().setUnits(width).build()).add(Activation.reluBlock());
        }
        Linear classifier = Layers.linear().setUnits(numClasses).build();
        net.add(classifier);
        return new Architecture(net, classifier);
    }
}
