package prunebench.model;

import ai.djl.ndarray.types.Shape;
import java.util.Optional;
import prunebench.data.DataShape;

/**
 * Whether a model can take a dataset's images: refused when its poolings would shrink them to nothing, a warning
 * when it runs but on inputs it was not designed for (e.g. {@code resnet20} on 1x28x28 Fashion-MNIST, whose first
 * convolution then has one input channel and whose results do not compare with CIFAR numbers).
 */
public final class InputFit {
    private InputFit() {}

    /** Why {@code model} cannot run on {@code data}; empty when it can. */
    public static Optional<String> refusal(ModelFactory model, String dataset, DataShape data) {
        int min = model.minInputSide();
        if (data.height() < min || data.width() < min) {
            return Optional.of(model.name() + " needs images of at least " + min + "x" + min + " (its poolings "
                    + "shrink them), but dataset '" + dataset + "' (dataset.name) has " + data.image() + " images"
                    + designed(model).map(d -> "; it was designed for " + d).orElse(""));
        }
        return Optional.empty();
    }

    /** What is unusual about running {@code model} on {@code data}; empty when it is what the model was made for. */
    public static Optional<String> warning(ModelFactory model, String dataset, DataShape data) {
        Shape d = model.designedInput();
        if (d == null || (d.get(0) == data.channels() && d.get(1) == data.height() && d.get(2) == data.width())) {
            return Optional.empty();
        }
        return Optional.of(model.name() + " was designed for " + designed(model).orElseThrow() + " images, but dataset '"
                + dataset + "' (dataset.name) has " + data.image() + " images, " + data.classes() + " classes: it runs "
                + "(the first layer takes " + data.channels() + " channel" + (data.channels() == 1 ? "" : "s")
                + " and the layers adapt to the image size), but its numbers do not compare with published "
                + model.name() + " results");
    }

    private static Optional<String> designed(ModelFactory model) {
        Shape d = model.designedInput();
        return d == null ? Optional.empty() : Optional.of(d.get(0) + "x" + d.get(1) + "x" + d.get(2));
    }
}
