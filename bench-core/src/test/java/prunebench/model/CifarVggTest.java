package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class CifarVggTest {
    @Test
    void vgg16ClassifiesABatchOfTwo() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarVgg.Vgg16(), new Shape(3, 32, 32), 10, manager, 5);
            NDArray x = manager.randomNormal(new Shape(2, 3, 32, 32));
            NDArray out = net.block().forward(new ParameterStore(manager, false), new NDList(x), true)
                    .singletonOrThrow();
            assertEquals(new Shape(2, 10), out.getShape());

            List<PrunableLayer> layers = net.layers();
            assertEquals(14, layers.size()); // 13 convs + the Linear(512, 10) classifier
            assertEquals("01conv1_1_weight", layers.get(0).name());
            assertEquals("conv5_3", layers.get(12).name().replaceAll("^\\d+|_weight$", ""));
            assertEquals(new Shape(10, 512), layers.get(13).weightShape());
            assertTrue(layers.get(13).classifier());
            assertEquals(new Shape(512), layers.get(12).bias().getArray().getShape());
            assertEquals(4, layers.get(12).usesPerWeight()); // 2x2 before the last pool
        }
    }

    @Test
    void unknownDepthIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new CifarVgg(15));
    }
}
