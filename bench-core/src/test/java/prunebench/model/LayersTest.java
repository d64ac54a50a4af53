package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The prunable layers ask a {@link LayerOutputs} store for their output, and are otherwise DJL's. */
class LayersTest {
    /** Every prunable layer of every registered model is one of {@link Layers}'s (so it can take the LRT path). */
    @Test
    void everyModelBuildsItsPrunableLayersFromLayers() {
        ModelRegistry registry = new ModelRegistry();
        for (String name : registry.names()) {
            List<Block> prunable = new ArrayList<>();
            collect(registry.get(name).build(new Shape(3, 32, 32), 10).block(), prunable);
            assertTrue(!prunable.isEmpty(), name);
            for (Block b : prunable) {
                assertTrue(b instanceof Layers.Linear || b instanceof Layers.Conv2d || b instanceof BlockPaddedConv2d,
                        name + ": " + b.getClass().getName());
            }
        }
    }

    private static void collect(Block block, List<Block> out) {
        if (block instanceof Linear || block instanceof Convolution) {
            out.add(block);
            return;
        }
        for (Pair<String, Block> c : block.getChildren()) {
            collect(c.getValue(), out);
        }
    }

    /** DJL names a child after its class's simple name: the parameter names stay DJL's. */
    @Test
    void parameterNamesAreDjls() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SequentialBlock net = new SequentialBlock().add(Layers.conv2d().setKernelShape(new Shape(3, 3))
                    .setFilters(2).build()).add(ai.djl.nn.Blocks.batchFlattenBlock())
                    .add(Layers.linear().setUnits(3).build());
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 4, 4));
            List<String> names = new ArrayList<>();
            net.getParameters().forEach(p -> names.add(p.getKey()));
            assertEquals(List.of("01Conv2d_weight", "01Conv2d_bias", "03Linear_weight", "03Linear_bias"), names);
        }
    }

    /**
     * With a plain store the layers compute DJL's output; with a {@link LayerOutputs} store that store's. The test
     * store returns the product of x * x with the weight: 1x1x3x3 input, 2x2 kernel of ones, stride 1, padding 1.
     */
    @Test
    void aLayerOutputsStoreComputesTheOutputWithTheLayersGeometry() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block conv = Layers.conv2d().setKernelShape(new Shape(2, 2)).optPadding(new Shape(1, 1)).setFilters(1)
                    .optBias(false).build();
            conv.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 3, 3));
            conv.getParameters().get("weight").getArray().set(new float[] {1, 1, 1, 1});
            NDArray x = manager.create(new float[] {1, 2, 0, -1, 3, 1, 0, 0, 2}, new Shape(1, 1, 3, 3));
            float[] plain = conv.forward(new ParameterStore(manager, false), new NDList(x), false)
                    .singletonOrThrow().toFloatArray();
            // padded x: sums of each 2x2 window (4x4 output)
            assertArrayEquals(new float[] {1, 3, 2, 0, 0, 5, 6, 1, -1, 2, 6, 3, 0, 0, 2, 2}, plain, 1e-6f);
            class Squares extends ParameterStore implements LayerOutputs {
                Squares() {
                    super(manager, false);
                }

                @Override
                public NDArray output(Parameter weight, NDArray input, NDArray bias, LayerProduct product,
                        boolean training) {
                    return product.apply(input.mul(input), getValue(weight, input.getDevice(), training), bias);
                }
            }
            float[] squares = conv.forward(new Squares(), new NDList(x), true).singletonOrThrow().toFloatArray();
            assertArrayEquals(new float[] {1, 5, 4, 0, 2, 15, 14, 1, 1, 10, 14, 5, 0, 0, 4, 4}, squares, 1e-6f);
        }
    }
}
