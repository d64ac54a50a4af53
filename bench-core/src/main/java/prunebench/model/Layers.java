package prunebench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The prunable layers every model here is built from: DJL's Linear and Conv2d, except that when the parameter store
 * of a forward pass is a {@link LayerOutputs} it computes the layer's output (a reparameterisation that needs the
 * layer's input, such as sparse variational dropout's local reparameterisation trick). With any other store they run
 * exactly as DJL's. Their simple class names are DJL's ({@code Linear}, {@code Conv2d}), so parameter names, which
 * DJL's {@code SequentialBlock} derives from them, are unchanged.
 */
public final class Layers {
    private Layers() {}

    /** A builder like {@link ai.djl.nn.core.Linear#builder()} whose {@code build()} gives a {@link Linear}. */
    public static ai.djl.nn.core.Linear.Builder linear() {
        return new ai.djl.nn.core.Linear.Builder() {
            @Override
            public ai.djl.nn.core.Linear build() {
                super.build(); // DJL's checks of the settings
                return new Linear(this);
            }
        };
    }

    /** A builder like {@link ai.djl.nn.convolutional.Conv2d#builder()} whose {@code build()} gives a {@link Conv2d}. */
    public static ai.djl.nn.convolutional.Conv2d.Builder conv2d() {
        return new ai.djl.nn.convolutional.Conv2d.Builder() {
            @Override
            public ai.djl.nn.convolutional.Conv2d build() {
                super.build();
                return new Conv2d(this);
            }
        };
    }

    /**
     * The output of a layer with weight {@code weight} and optional {@code bias}: from the store when it is a
     * {@link LayerOutputs}, else {@code product} of the input with the store's weight.
     */
    static NDArray output(ParameterStore store, Parameter weight, Parameter bias, NDArray input, boolean training,
            LayerProduct product) {
        NDArray b = bias == null ? null : store.getValue(bias, input.getDevice(), training);
        if (store instanceof LayerOutputs outputs) {
            return outputs.output(weight, input, b, product, training);
        }
        return product.apply(input, store.getValue(weight, input.getDevice(), training), b);
    }

    /** DJL's Linear, taking its output from a {@link LayerOutputs} store. */
    public static final class Linear extends ai.djl.nn.core.Linear {
        Linear(ai.djl.nn.core.Linear.Builder builder) {
            super(builder);
        }

        @Override
        protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                PairList<String, Object> params) {
            Parameter bias = getParameters().contains("bias") ? getParameters().get("bias") : null;
            return new NDList(output(parameterStore, getParameters().get("weight"), bias, inputs.singletonOrThrow(),
                    training, (x, w, b) -> linear(x, w, b).singletonOrThrow()));
        }
    }

    /** DJL's Conv2d, taking its output from a {@link LayerOutputs} store. */
    public static final class Conv2d extends ai.djl.nn.convolutional.Conv2d {
        Conv2d(ai.djl.nn.convolutional.Conv2d.Builder builder) {
            super(builder);
        }

        @Override
        protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return new NDList(output(parameterStore, weight, includeBias ? bias : null, inputs.singletonOrThrow(),
                    training, (x, w, b) -> conv2d(x, w, b, stride, padding, dilation, groups).singletonOrThrow()));
        }
    }
}
