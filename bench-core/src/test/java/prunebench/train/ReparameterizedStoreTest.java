package prunebench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import prunebench.model.Architecture;
import prunebench.model.LayerProduct;
import prunebench.model.Layers;
import prunebench.model.Network;

/**
 * The trainer's store hands a reparameterisation the outputs of the layers built by {@link Layers} (through
 * {@link Reparameterization#output}, by default the product with {@link Reparameterization#weight}) and the weights
 * of any other layer.
 */
class ReparameterizedStoreTest {
    /** flatten - Linear(2) (hidden, reparameterised) - Linear(2); {@code hooked} picks Layers's or DJL's Linear. */
    private static Network net(NDManager manager, boolean hooked) {
        Linear classifier = (hooked ? Layers.linear() : Linear.builder()).setUnits(2).build();
        SequentialBlock block = new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add((hooked ? Layers.linear() : Linear.builder()).setUnits(2).build()).add(classifier);
        Network n = Network.of("t", new Architecture(block, classifier), new Shape(1, 1, 2), 2, manager);
        n.layers().get(0).weight().getArray().set(new float[] {1, -1, 0.5f, 2});
        n.layers().get(0).bias().getArray().set(new float[] {0.5f, 0});
        n.layers().get(1).weight().getArray().set(new float[] {1, 0, 0, 1});
        n.layers().get(1).bias().getArray().set(new float[] {0, 0});
        return n;
    }

    /** Doubles the hidden weight; {@code shift} (when not null) is added to the layer's output where it computes it. */
    private static final class Doubling implements Reparameterization {
        final String name;
        final Float shift;
        final List<Long> outputSteps = new ArrayList<>();

        Doubling(String name, Float shift) {
            this.name = name;
            this.shift = shift;
        }

        @Override
        public List<TrainableParameter> parameters() {
            return List.of();
        }

        @Override
        public Set<String> weights() {
            return Set.of(name);
        }

        @Override
        public NDArray weight(String n, NDArray weight, NDManager scope, long step) {
            return weight.mul(2);
        }

        @Override
        public NDArray output(String n, NDArray input, NDArray weight, NDArray bias, LayerProduct product,
                NDManager scope, long step) {
            outputSteps.add(step);
            NDArray out = Reparameterization.super.output(n, input, weight, bias, product, scope, step);
            return shift == null ? out : out.add(shift);
        }

        @Override
        public NDArray loss(NDManager scope, long step, long totalSteps) {
            return scope.zeros(new Shape());
        }
    }

    private static float[] forward(Network n, Doubling r, long step, NDManager manager) {
        Trainer trainer = new Trainer(n, manager, null, null, 0).reparameterize(r);
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(new float[] {1, 2, 3, -1}, new Shape(2, 1, 1, 2));
            return n.block().forward(trainer.store(scope, step), new NDList(x), step >= 0).singletonOrThrow()
                    .toFloatArray();
        }
    }

    @Test
    void layersBuiltByLayersTakeTheirOutputFromTheReparameterisation() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // x (2W)^T + b: (1, 2) -> (2 - 4 + 0.5, 1 + 8) = (-1.5, 9); (3, -1) -> (6 + 2 + 0.5, 3 - 4) = (8.5, -1)
            float[] doubled = {-1.5f, 9, 8.5f, -1};
            Doubling plain = new Doubling(net(manager, true).layers().get(0).name(), null);
            assertArrayEquals(doubled, forward(net(manager, true), plain, 5, manager), 1e-6f);
            assertArrayEquals(doubled, forward(net(manager, true), plain, -1, manager), 1e-6f);
            assertEquals(List.of(5L, -1L), plain.outputSteps);

            Doubling shifted = new Doubling(plain.name, 10f);
            float[] out = forward(net(manager, true), shifted, 3, manager);
            assertArrayEquals(new float[] {8.5f, 19, 18.5f, 9}, out, 1e-6f);

            // DJL's own Linear only asks for its weight: the doubled weight, never the output hook
            Doubling djl = new Doubling(net(manager, false).layers().get(0).name(), 10f);
            assertArrayEquals(doubled, forward(net(manager, false), djl, 3, manager), 1e-6f);
            assertEquals(List.of(), djl.outputSteps);
        }
    }
}
