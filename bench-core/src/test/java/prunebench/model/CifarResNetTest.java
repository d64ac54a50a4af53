package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CifarResNetTest {
    private static final Shape CIFAR = new Shape(3, 32, 32);

    @Test
    void optionAShortcutSubsamplesAndZeroPadsChannels() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.arange(32f).reshape(1, 2, 4, 4); // channel 0 holds 0..15, channel 1 16..31
            OptionAShortcut shortcut = new OptionAShortcut(2, 1);
            shortcut.initialize(manager, DataType.FLOAT32, x.getShape());
            NDArray y = shortcut.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(1, 4, 2, 2), y.getShape());
            assertEquals(y.getShape(), shortcut.getOutputShapes(new Shape[] {x.getShape()})[0]);
            assertArrayEquals(new float[] {
                0, 0, 0, 0, //         padding
                0, 2, 8, 10, //        x[0, 0, ::2, ::2]
                16, 18, 24, 26, //     x[0, 1, ::2, ::2]
                0, 0, 0, 0}, //        padding
                    y.toFloatArray());
        }
    }

    @Test
    void optionAShortcutKeepsTheLastRowOfOddSizesLikePythonSlicing() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.arange(25f).reshape(1, 1, 5, 5);
            OptionAShortcut shortcut = new OptionAShortcut(2, 0);
            shortcut.initialize(manager, DataType.FLOAT32, x.getShape());
            NDArray y = shortcut.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(1, 1, 3, 3), shortcut.getOutputShapes(new Shape[] {x.getShape()})[0]);
            assertArrayEquals(new float[] {0, 2, 4, 10, 12, 14, 20, 22, 24}, y.toFloatArray());
        }
    }

    @Test
    void downsamplingBlockWithZeroConvolutionsPassesOnlyTheShortcut() {
        try (NDManager manager = NDManager.newBaseManager()) {
            BasicBlock block = new BasicBlock(16, 32, 2);
            Shape in = new Shape(2, 16, 8, 8);
            block.initialize(manager, DataType.FLOAT32, in);
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getKey().endsWith("weight")) {
                    p.getValue().getArray().set(new float[Math.toIntExact(p.getValue().getArray().size())]);
                }
            }
            NDArray x = manager.randomNormal(in);
            // Inference BN with fresh running stats (mean 0, var 1, beta 0) maps the zero conv output to 0,
            // so the block computes relu(shortcut(x)).
            NDArray y = block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
            NDArray expected = x.get(":, :, ::2, ::2").pad(new Shape(0, 0, 0, 0, 8, 8), 0).maximum(0);
            assertEquals(new Shape(2, 32, 4, 4), y.getShape());
            assertArrayEquals(expected.toFloatArray(), y.toFloatArray(), 0f);
            assertEquals(0f, y.get(":, :8").abs().sum().getFloat()); // padded channels carry nothing
            assertTrue(y.get(":, 8:24").sum().getFloat() > 0);
        }
    }

    @Test
    void optionAShortcutRejectsWidthsItCannotPad() {
        assertThrows(IllegalArgumentException.class, () -> new BasicBlock(16, 48, 2));
        assertThrows(IllegalArgumentException.class, () -> new CifarResNet(21));
    }

    @Test
    void forwardAndBackwardOnABatchOfTwo() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarResNet.ResNet20(), CIFAR, 10, manager, 3);
            NDArray x = manager.randomNormal(new Shape(2, 3, 32, 32));
            ParameterStore store = new ParameterStore(manager, false);
            assertEquals(new Shape(2, 10), net.block().forward(store, new NDList(x), false).singletonOrThrow().getShape());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = net.block().forward(store, new NDList(x), true).singletonOrThrow();
                assertEquals(new Shape(2, 10), out.getShape());
                gc.backward(out.square().sum());
            }
            // The gradient reaches the stem through all three stages (and both option-A shortcuts).
            NDArray stemGrad = net.layers().get(0).weight().getArray().getGradient();
            assertTrue(stemGrad.abs().sum().getFloat() > 0);
        }
    }

    @Test
    void layersAndNamesAreReadable() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarResNet.ResNet20(), CIFAR, 10, manager, 3);
            List<PrunableLayer> layers = net.layers();
            assertEquals(20, layers.size()); // 19 convs + fc: the "20" in ResNet-20
            List<String> names = layers.stream().map(PrunableLayer::name).collect(Collectors.toList());
            assertEquals("01conv_weight", names.get(0));
            assertEquals("04stage1_01block0_01conv1_weight", names.get(1));
            assertEquals("05stage2_01block0_01conv1_weight", names.get(7));
            assertEquals("06stage3_03block2_03conv2_weight", names.get(18));
            assertEquals("08fc_weight", names.get(19));
            assertTrue(layers.get(19).classifier());
            assertFalse(layers.get(18).classifier());
            assertNull(layers.get(5).bias());
            assertNotNull(layers.get(19).bias());
            // Multiply uses: 32x32 in stage 1, 16x16 from the strided conv of stage 2 on, 1 for the classifier.
            assertEquals(1024, layers.get(6).usesPerWeight());
            assertEquals(256, layers.get(7).usesPerWeight());
            assertEquals(64, layers.get(13).usesPerWeight());
            assertEquals(1, layers.get(19).usesPerWeight());
            // Running statistics are parameters but not trainable: 2 * (16 + 6 * (16+32+64)) = 1,376 entries.
            long all = net.allParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            assertEquals(269_722 + 1_376, all);
        }
    }
}
