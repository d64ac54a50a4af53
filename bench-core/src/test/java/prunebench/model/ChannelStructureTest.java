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

    @Test
    void resnet8TiesTheStemAndEachStagesConv2ThroughTheIdentityAndOptionAShortcuts() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarResNet(8), new Shape(3, 8, 8), 10, manager, 0);
            List<List<ChannelStructure.Filter>> ties = ChannelStructure.residualTies(net);
            // one block per stage. Stage 3's conv2 channel j meets stage 2's channel j - 16 (option A pads 16 on
            // each side), which meets stage 1's channel j - 24 (pad 8), the stem's channel j - 24 (identity):
            // j in 24..39: 4 filters; j in 16..23 and 40..47: 2 (stage 2's channel is padding there);
            // j < 16 or j >= 48: stage 3's filter alone, not a tie. Stage 2's channels 0..7 and 24..31 reach
            // stage 3 at 16..23 and 40..47 (counted above).
            assertEquals(32, ties.size());
            assertEquals(16, ties.stream().filter(t -> t.size() == 4).count());
            assertEquals(16, ties.stream().filter(t -> t.size() == 2).count());
            String stem = net.layers().get(0).name();
            List<ChannelStructure.Filter> first = ties.get(0); // ordered by the first filter: the stem's 0
            assertEquals(List.of(stem + "@0", "stage1.conv2@0", "stage2.conv2@8", "stage3.conv2@24"),
                    first.stream().map(ChannelStructureTest::label).toList());
            // the first list starting in stage 2: its channel 0, met by stage 3's 16
            List<ChannelStructure.Filter> second = ties.get(16);
            assertEquals(List.of("stage2.conv2@0", "stage3.conv2@16"), second.stream()
                    .map(ChannelStructureTest::label).toList());
            // no inner conv (conv1) and not the classifier
            assertTrue(ties.stream().flatMap(List::stream).noneMatch(f -> f.layer().name().contains("conv1_weight")
                    && f.layer().name().contains("stage") || f.layer().classifier()));
        }
    }

    @Test
    void resnet20TiesTheStemWithTheThreeConv2sOfStageOneAndLenet5HasNoTies() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarResNet.ResNet20(), new Shape(3, 32, 32), 10, manager, 0);
            List<List<ChannelStructure.Filter>> ties = ChannelStructure.residualTies(net);
            // one list per stage-3 channel: 10 filters where it carries stage 1 (j in 24..39), 6 where only stage 2
            // (16..23, 40..47), 3 (stage 3's own conv2s, identity shortcuts) elsewhere
            assertEquals(64, ties.size());
            assertEquals(16, ties.stream().filter(t -> t.size() == 10).count());
            assertEquals(16, ties.stream().filter(t -> t.size() == 6).count());
            assertEquals(32, ties.stream().filter(t -> t.size() == 3).count());
            List<ChannelStructure.Filter> first = ties.get(0);
            assertEquals(List.of("01conv_weight@0", "stage1.conv2@0", "stage1.conv2@0", "stage1.conv2@0",
                    "stage2.conv2@8", "stage2.conv2@8", "stage2.conv2@8", "stage3.conv2@24", "stage3.conv2@24",
                    "stage3.conv2@24"), first.stream().map(ChannelStructureTest::label).toList());
            Network lenet = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
            assertTrue(ChannelStructure.residualTies(lenet).isEmpty());
        }
    }

    /** "stageN.conv2@c" for a block's conv2 (whichever block), the parameter name otherwise. */
    private static String label(ChannelStructure.Filter f) {
        String n = f.layer().name();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("stage(\\d).*conv2_weight").matcher(n);
        return (m.find() ? "stage" + m.group(1) + ".conv2" : n) + "@" + f.channel();
    }
}
