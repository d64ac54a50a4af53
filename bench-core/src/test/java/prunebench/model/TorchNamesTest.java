package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every parameter of the built-in models is named as in the PyTorch reference modules, with PyTorch's shapes. */
class TorchNamesTest {
    private static final Shape MNIST = new Shape(1, 28, 28);
    private static final Shape CIFAR = new Shape(3, 32, 32);

    /** PyTorch name to shape, in block order. */
    private static Map<String, Shape> shapes(ModelFactory factory, Shape input) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(factory, input, 10, manager, 0);
            Map<String, Shape> out = new LinkedHashMap<>();
            TorchNames.of(factory, net).asMap().forEach((djl, torch) ->
                    out.put(torch, net.allParameters().get(djl).getArray().getShape()));
            return out;
        }
    }

    @Test
    void lenet5IsConv1Conv2Fc1Fc2Fc3() {
        Map<String, Shape> s = shapes(new LeNet5(), MNIST);
        assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
                "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"), List.copyOf(s.keySet()));
        assertEquals(new Shape(6, 1, 5, 5), s.get("conv1.weight"));
        assertEquals(new Shape(120, 400), s.get("fc1.weight"));
    }

    @Test
    void lenet300100IsFc1Fc2Fc3() {
        Map<String, Shape> s = shapes(new LeNet300100(), MNIST);
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"),
                List.copyOf(s.keySet()));
        assertEquals(new Shape(300, 784), s.get("fc1.weight"));
    }

    @Test
    void resnetIsAkamastersLayout() {
        Map<String, Shape> s = shapes(new CifarResNet.ResNet20(), CIFAR);
        List<String> expected = new ArrayList<>(List.of("conv1.weight"));
        expected.addAll(bn("bn1"));
        for (int stage = 1; stage <= 3; stage++) {
            for (int block = 0; block < 3; block++) {
                String p = "layer" + stage + "." + block + ".";
                expected.add(p + "conv1.weight");
                expected.addAll(bn(p + "bn1"));
                expected.add(p + "conv2.weight");
                expected.addAll(bn(p + "bn2"));
            }
        }
        expected.addAll(List.of("linear.weight", "linear.bias"));
        assertEquals(expected, List.copyOf(s.keySet()));
        assertEquals(new Shape(32, 16, 3, 3), s.get("layer2.0.conv1.weight"));
        assertEquals(new Shape(64), s.get("layer3.2.bn2.running_var"));
        assertEquals(new Shape(10, 64), s.get("linear.weight"));
    }

    @Test
    void vggCountsEveryFeatureModule() {
        Map<String, Shape> s = shapes(new CifarVgg.Vgg16(), CIFAR);
        // 64, 64, pool: conv 0, bn 1, relu 2, conv 3, bn 4, relu 5, pool 6, conv 7 ...; the last conv is 40.
        assertEquals(new Shape(64, 3, 3, 3), s.get("features.0.weight"));
        assertEquals(new Shape(64), s.get("features.1.running_mean"));
        assertEquals(new Shape(64, 64, 3, 3), s.get("features.3.weight"));
        assertEquals(new Shape(128, 64, 3, 3), s.get("features.7.weight"));
        assertEquals(new Shape(512, 512, 3, 3), s.get("features.40.weight"));
        assertEquals(new Shape(512), s.get("features.41.bias"));
        assertEquals(new Shape(10, 512), s.get("classifier.weight"));
        assertEquals(13 * 6 + 2, s.size()); // conv weight+bias, bn 4 tensors; classifier
    }

    @Test
    void aModelWithoutItsOwnNamesGetsSequentialNames() {
        ModelFactory plain = new ModelFactory() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public String description() {
                return "LeNet-5's layers under nn.Sequential's names";
            }

            @Override
            public Architecture build(Shape inputShape, int numClasses) {
                return new LeNet5().build(inputShape, numClasses);
            }
        };
        Map<String, Shape> s = shapes(plain, MNIST);
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias",
                "11.weight", "11.bias"), List.copyOf(s.keySet()));
    }

    @Test
    void twoLayersUnderOneNameAreRefused() {
        ModelFactory clash = new ModelFactory() {
            @Override
            public String name() {
                return "clash";
            }

            @Override
            public String description() {
                return "names every layer fc";
            }

            @Override
            public Architecture build(Shape inputShape, int numClasses) {
                return new LeNet300100().build(inputShape, numClasses);
            }

            @Override
            public String torchModule(LayerPath layer) {
                return "fc";
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> shapes(clash, MNIST));
        assertTrue(e.getMessage().contains("fc.weight"), e.getMessage());
    }

    private static List<String> bn(String module) {
        return List.of(module + ".weight", module + ".bias", module + ".running_mean", module + ".running_var");
    }
}
