package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelStructureTest {
    @Test
    void lenet5ChainsEveryLayerIntoItsConsumerAndTheFlattenSpansTwentyFiveInputsPerChannel() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            List<ChannelGroup> groups = ChannelStructure.of(net);
            List<PrunableLayer> layers = net.layers();
            assertEquals(4, groups.size()); // conv1, conv2, fc1, fc2; the classifier's outputs are the classes
            int[] channels = {6, 16, 120, 84};
            int[] factors = {1, 25, 1, 1}; // conv2's 16x5x5 output is flattened into fc1's 400 inputs
            for (int g = 0; g < 4; g++) {
                ChannelGroup group = groups.get(g);
                assertEquals(layers.get(g), group.producer());
                assertEquals(channels[g], group.channels());
                assertNotNull(group.bias());
                assertNull(group.norm());
                assertEquals(List.of(new ChannelGroup.Consumer(layers.get(g + 1), factors[g])), group.consumers());
            }
            assertTrue(groups.get(3).consumers().get(0).layer().classifier());
        }
    }

    @Test
    void vgg16GroupsEachConvWithItsBatchNormAndTheLastFeedsTheClassifier() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarVgg.Vgg16(), new Shape(3, 32, 32), 10, manager, 0);
            List<ChannelGroup> groups = ChannelStructure.of(net);
            assertEquals(13, groups.size());
            ChannelGroup first = groups.get(0);
            assertEquals("01conv1_1_weight", first.name());
            assertEquals("01conv1_1_bias", first.bias());
            assertEquals(new ChannelGroup.Norm("02bn1_1_gamma", "02bn1_1_beta", "02bn1_1_runningMean",
                    "02bn1_1_runningVar"), first.norm());
            assertEquals(net.layers().get(1), first.consumers().get(0).layer());
            ChannelGroup last = groups.get(12);
            assertEquals(512, last.channels());
            // 512x1x1 after the last pool: one classifier input per channel.
            assertEquals(List.of(new ChannelGroup.Consumer(net.layers().get(13), 1)), last.consumers());
        }
    }

    @Test
    void resnet20PrunesOnlyTheInnerConvOfEachBlockBecauseTheRestMeetsAResidualAddition() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarResNet.ResNet20(), new Shape(3, 32, 32), 10, manager, 0);
            List<ChannelGroup> groups = ChannelStructure.of(net);
            assertEquals(9, groups.size()); // 3 stages x 3 blocks; stem, conv2s and the classifier stay
            int[] widths = {16, 16, 16, 32, 32, 32, 64, 64, 64};
            for (int g = 0; g < 9; g++) {
                ChannelGroup group = groups.get(g);
                assertTrue(group.name().endsWith("conv1_weight"), group.name());
                assertEquals(widths[g], group.channels());
                assertNull(group.bias());
                assertTrue(group.norm().gamma().endsWith("bn1_gamma"), group.norm().gamma());
                assertEquals(1, group.consumers().size());
                assertEquals(group.name().replace("01conv1_weight", "03conv2_weight"),
                        group.consumers().get(0).layer().name());
            }
        }
    }
}
