package org.example.more;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import prunebench.model.Architecture;
import prunebench.model.LayerPath;
import prunebench.model.ModelFactory;

/** A model plug-in: flatten, one hidden layer of 64 units, the classifier. */
public final class TinyMlp implements ModelFactory {
    @Override
    public String name() {
        return "tiny-mlp";
    }

    @Override
    public String description() {
        return "one hidden layer of 64 units";
    }

    @Override
    public Architecture build(Shape inputShape, int numClasses) {
        Linear classifier = Linear.builder().setUnits(numClasses).build();
        SequentialBlock net = new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(64).build())
                .add(Activation.reluBlock())
                .add(classifier);
        return new Architecture(net, classifier);
    }

    /** Names in output files: hidden.weight, hidden.bias, out.weight, out.bias. */
    @Override
    public String torchModule(LayerPath layer) {
        return layer.ordinal() == 0 ? "hidden" : "out";
    }
}
