package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A model's multiply-adds computed without building it (for --dry-run) equal those counted on the built network. */
class MultiplyAddsTest {

    @Test
    void equalTheCountOfTheBuiltNetwork() {
        List<Object[]> cases = List.of(
                new Object[] {new LeNet5(), new Shape(1, 28, 28), 10},
                new Object[] {new LeNet5(), new Shape(3, 32, 32), 100},
                new Object[] {new LeNet300100(), new Shape(1, 28, 28), 10},
                new Object[] {new LeNet300100Caffe(), new Shape(1, 28, 28), 10},
                new Object[] {new LeNet5Caffe(), new Shape(1, 28, 28), 10},
                new Object[] {new SetMlp(), new Shape(1, 28, 28), 10},
                new Object[] {new LeNet5Caffe(), new Shape(3, 32, 32), 7},
                new Object[] {new CifarResNet.ResNet20(), new Shape(3, 32, 32), 10},
                new Object[] {new CifarResNet.ResNet20(), new Shape(1, 28, 28), 10},
                new Object[] {new CifarResNet(8), new Shape(3, 15, 15), 7},
                new Object[] {new CifarVgg.Vgg11(), new Shape(3, 32, 32), 10},
                new Object[] {new CifarVgg.Vgg16Li(), new Shape(3, 32, 32), 10},
                new Object[] {new CifarVgg.Vgg16Lottery(), new Shape(1, 40, 36), 100});
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Object[] c : cases) {
                ModelFactory model = (ModelFactory) c[0];
                Shape input = (Shape) c[1];
                int classes = (Integer) c[2];
                Network net = Network.create(model, input, classes, manager, 0);
                assertEquals(Complexity.of(net).flops(), model.multiplyAdds(input, classes).orElseThrow(),
                        model.name() + " on " + input + ", " + classes + " classes");
            }
        }
        // Caffe's LeNet-5: 20x25x24x24 + 50x20x25x8x8 + 800x500 + 500x10
        assertEquals(2_293_000, new LeNet5Caffe().multiplyAdds(new Shape(1, 28, 28), 10).orElseThrow());
        assertEquals(40_551_040, new CifarResNet.ResNet20().multiplyAdds(new Shape(3, 32, 32), 10).orElseThrow());
        assertEquals(313_463_808, new CifarVgg.Vgg16Li().multiplyAdds(new Shape(3, 32, 32), 10).orElseThrow());
    }
}
