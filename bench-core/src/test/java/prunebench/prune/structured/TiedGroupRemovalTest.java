package prunebench.prune.structured;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import prunebench.model.ChannelGroup;
import prunebench.model.CifarResNet;
import prunebench.model.Complexity;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;
import prunebench.model.TiedGroup;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;

/**
 * Whole residual-stream channels (tied groups, Gao et al. 2019's cross-layer groups) removed from a ResNet-8 on 3x8x8
 * inputs: layers stem (16), stage1 conv1/conv2 (16/16), stage2 (32/32, stride 2), stage3 (64/64, stride 2), fc (10).
 */
class TiedGroupRemovalTest {
    private static final Shape INPUT = new Shape(3, 8, 8);
    // net.layers() order
    private static final int STEM = 0;
    private static final int S1_CONV1 = 1;
    private static final int S1_CONV2 = 2;
    private static final int S2_CONV1 = 3;
    private static final int S2_CONV2 = 4;
    private static final int S3_CONV1 = 5;
    private static final int S3_CONV2 = 6;
    private static final int FC = 7;

    private static Network resnet8(NDManager manager) {
        Network net = Network.create(new CifarResNet(8), INPUT, 10, manager, 2);
        StructuredEquivalenceTest.randomiseBatchNorms(net, new Random(5));
        return net;
    }

    private static List<boolean[]> allKept(List<ChannelGroup> groups) {
        List<boolean[]> out = new ArrayList<>();
        for (ChannelGroup g : groups) {
            boolean[] k = new boolean[g.channels()];
            Arrays.fill(k, true);
            out.add(k);
        }
        return out;
    }

    private static boolean[] removing(int size, int... gone) {
        boolean[] k = new boolean[size];
        Arrays.fill(k, true);
        for (int t : gone) {
            k[t] = false;
        }
        return k;
    }

    @Test
    void theTiesOfResNet8AreTheStreamChannelsWithTheirReaders() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = resnet8(manager);
            List<PrunableLayer> l = net.layers();
            List<TiedGroup> ties = new ChannelPruner(net, true).ties();
            // 16 of the stem's channel (stem, s1 conv2 c, s2 conv2 c + 8, s3 conv2 c + 24), 16 of stage 2's padded
            // channels (s2 conv2 c, s3 conv2 c + 16); stage 3's padded channels have one filter each: not tied
            assertEquals(32, ties.size());
            TiedGroup t0 = ties.get(0);
            assertEquals(List.of(l.get(STEM), l.get(S1_CONV2), l.get(S2_CONV2), l.get(S3_CONV2)),
                    t0.members().stream().map(TiedGroup.Member::layer).toList());
            assertArrayEquals(new int[] {0, 0, 8, 24}, t0.members().stream().mapToInt(TiedGroup.Member::channel)
                    .toArray());
            assertTrue(t0.members().stream().allMatch(m -> m.norm() != null && m.bias() == null));
            assertEquals(List.of(l.get(S1_CONV1), l.get(S2_CONV1), l.get(S3_CONV1), l.get(FC)),
                    t0.readers().stream().map(TiedGroup.Reader::layer).toList());
            assertArrayEquals(new int[] {0, 0, 8, 24}, t0.readers().stream().mapToInt(TiedGroup.Reader::channel)
                    .toArray());
            TiedGroup t16 = ties.get(16);
            assertArrayEquals(new int[] {0, 16}, t16.members().stream().mapToInt(TiedGroup.Member::channel)
                    .toArray());
            assertEquals(List.of(l.get(S2_CONV2), l.get(S3_CONV2)),
                    t16.members().stream().map(TiedGroup.Member::layer).toList());
            assertEquals(List.of(l.get(S3_CONV1), l.get(FC)),
                    t16.readers().stream().map(TiedGroup.Reader::layer).toList());
            assertArrayEquals(new int[] {0, 16}, t16.readers().stream().mapToInt(TiedGroup.Reader::channel)
                    .toArray());
            assertEquals(24, ties.get(24).members().get(0).channel(), "stage 2's channels 0..7, then 24..31");
        }
    }

    /**
     * Removing ties 0 (the stem's channel 0) and 16 (stage 2's channel 0) by masks computes what the network computes
     * with only the members' filters, gammas and betas zeroed by hand and the readers' columns of those channels set
     * to large random values: the stream channels are exactly 0 wherever they are read. The rebuilt network, with
     * the streams narrowed (15 of 16, 30 of 32 padded to 32, 62 of 64 padded to 64) and the option-A shortcuts
     * mapping kept channels onto kept channels, computes the same.
     */
    @Test
    void aRemovedTiedGroupOutputsZeroEverywhereItIsReadAndTheRebuildAgrees() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = resnet8(manager);
            Random random = new Random(3);
            NDArray x = manager.create(StructuredEquivalenceTest.gaussian(random, 4 * (int) INPUT.size()),
                    new Shape(4).addAll(INPUT));
            float[] dense = StructuredEquivalenceTest.outputs(net, x);
            Map<String, float[]> saved = new HashMap<>();
            net.allParameters().forEach((n, p) -> saved.put(n, p.getArray().toFloatArray()));

            ChannelPruner pruner = new ChannelPruner(net, true);
            List<TiedGroup> ties = pruner.ties();
            int[] gone = {0, 16};
            for (int t : gone) {
                for (TiedGroup.Member m : ties.get(t).members()) {
                    zeroRow(m.layer().weight(), m.channel(), null);
                    zeroRow(net.allParameters().get(m.norm().gamma()), m.channel(), null);
                    zeroRow(net.allParameters().get(m.norm().beta()), m.channel(), null);
                }
                for (TiedGroup.Reader r : ties.get(t).readers()) {
                    setColumn(r.layer().weight(), r.channel(), random);
                }
            }
            float[] byHand = StructuredEquivalenceTest.outputs(net, x);
            float[] byHandTraining = trainingOutputs(net, x); // batch statistics: a zero channel normalises to 0 too
            net.allParameters().forEach((n, p) -> p.getArray().set(saved.get(n)));

            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            ChannelMasks.write(masks, pruner.groups(), allKept(pruner.groups()), ties, removing(ties.size(), gone),
                    manager);
            masks.apply();
            float[] masked = StructuredEquivalenceTest.outputs(net, x);
            assertArrayEquals(removing(ties.size(), gone), pruner.tiesKept(masks));
            assertClose(byHand, masked, dense);
            assertClose(byHandTraining, trainingOutputs(net, x), dense);
            masked = StructuredEquivalenceTest.outputs(net, x); // the training pass moved the running statistics

            Network small = pruner.rebuild(masks, manager);
            List<PrunableLayer> after = small.layers();
            assertEquals(new Shape(15, 3, 3, 3), after.get(STEM).weightShape());
            assertEquals(new Shape(16, 15, 3, 3), after.get(S1_CONV1).weightShape());
            assertEquals(new Shape(15, 16, 3, 3), after.get(S1_CONV2).weightShape());
            assertEquals(new Shape(32, 15, 3, 3), after.get(S2_CONV1).weightShape());
            assertEquals(new Shape(10, 64), after.get(FC).weightShape());
            assertClose(masked, StructuredEquivalenceTest.outputs(small, x), dense);
        }
    }

    /**
     * The counters, worked by hand. Tie 0 removes the rows stem 27 + s1 conv2 144 + s2 conv2 288 + s3 conv2 576 and
     * 4 x (gamma, beta), and the columns s1 conv1 16x9 + s2 conv1 32x9 + s3 conv1 64x9 + fc 10: 2,061 parameters;
     * tie 16 the rows s2 conv2 288 + s3 conv2 576, 2 x (gamma, beta), the columns s3 conv1 576 + fc 10: 1,454. Dense:
     * stem 432 + 32, stage 1 2x2304 + 64, stage 2 4608 + 9216 + 128, stage 3 18432 + 36864 + 256, fc 650 = 75,290.
     * Multiply-adds per weight: 64 (8x8) in the stem and stage 1, 16 in stage 2, 4 in stage 3, 1 in the fc: tie 0
     * removes 27x64 + 144x64 + 288x16 + 576x4 + 144x64 + 288x16 + 576x4 + 10 = 33,994, tie 16 288x16 + 576x4 + 576x4
     * + 10 = 9,226, of 765,568.
     */
    @Test
    void removedStreamChannelsAreCountedInEveryMemberAndReader() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = resnet8(manager);
            ChannelPruner pruner = new ChannelPruner(net, true);
            List<TiedGroup> ties = pruner.ties();
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            boolean[] tiesKept = removing(ties.size(), 0, 16);
            ChannelMasks.write(masks, pruner.groups(), allKept(pruner.groups()), ties, tiesKept, manager);
            masks.apply();
            Complexity cx = Complexity.of(net, masks.masks());
            assertEquals(75_290, cx.params());
            assertEquals(75_290 - 2_061 - 1_454, cx.paramsNonzero());
            assertEquals(765_568, cx.flops());
            assertEquals(765_568 - 33_994 - 9_226, cx.flopsNonzero());
            int[] counts = pruner.groups().stream().mapToInt(ChannelGroup::channels).toArray();
            assertEquals(cx.paramsNonzero(), (long) new ChannelBudget(net, pruner.groups(), ties,
                    ChannelBudget.Measure.PARAMETERS).cost(counts, tiesKept));
            assertEquals(cx.flopsNonzero(), (long) new ChannelBudget(net, pruner.groups(), ties,
                    ChannelBudget.Measure.MULTIPLY_ADDS).cost(counts, tiesKept));
            // The masks cover the stem, the conv2s and the fc now, with their BatchNorms.
            List<String> names = pruner.targets().stream().map(t -> t.name()).toList();
            for (int l : new int[] {STEM, S1_CONV2, S3_CONV2, FC}) {
                assertTrue(names.contains(net.layers().get(l).name()), names.toString());
            }
            assertTrue(names.contains(ties.get(0).members().get(0).norm().gamma()));
        }
    }

    /** Channel scores 1, tie scores 2 but for tie 3 (0.5) and tie 20 (0.6): one ranking removes those first. */
    @Test
    void oneRankingRemovesTheLowestTiedGroupsUnderTheTarget() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = resnet8(manager);
            ChannelPruner pruner = new ChannelPruner(net, true);
            StrategyOptions options = new StrategyOptions("fixed", StructuredStrategy.STRUCTURED_DEFAULTS, Map.of());
            // tie 3 alone (2,061) leaves one parameter too many; tie 20 (1,454) makes it
            double target = 75_290.0 / (75_290 - 2_061 - 1);
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            pruner.prune(fixedScores(), options, masks, target, Distribution.GLOBAL, 1, false, null, 0, 1);
            assertArrayEquals(removing(32, 3, 20), pruner.tiesKept(masks));
            pruner.kept(masks).forEach((g, k) -> assertEquals(pruner.groups().stream()
                    .filter(x -> x.name().equals(g)).findFirst().orElseThrow().channels(), k.length, g));
            assertEquals(75_290 - 2_061 - 1_454, Complexity.of(net, masks.masks()).paramsNonzero());

            // The first layer whole (dense_first_layer): tie 3 holds the stem's filter 3 and stays; tie 20 goes,
            // then a channel (score 1) before any other tie (score 2).
            MaskSet again = MaskSet.dense(pruner.targets(), manager);
            pruner.prune(fixedScores(), options, again, target, Distribution.GLOBAL, 1, true, null, 0, 1);
            boolean[] kept = pruner.tiesKept(again);
            assertTrue(kept[3]);
            assertFalse(kept[20]);
            int tiesGone = 0;
            for (boolean k : kept) {
                tiesGone += k ? 0 : 1;
            }
            assertEquals(1, tiesGone);
            // 607 parameters still to go: ties of equal score go later group first, later channel first, so stage
            // 3's conv1 loses channel 63 (its row 32x9 + gamma, beta and conv2's column 64x9: 866) and nothing else
            List<int[]> inner = new ArrayList<>(pruner.kept(again).values());
            assertEquals(16, inner.get(0).length);
            assertEquals(32, inner.get(1).length);
            assertEquals(63, inner.get(2).length);
            assertFalse(Arrays.stream(inner.get(2)).anyMatch(c -> c == 63));
            // tie 20 (stage 2's channel 4) already took conv1's column 4 (9 of row 63's entries) and conv2's row 20
            // (9 of column 63's): counted once, 866 - 18
            assertEquals(75_290 - 1_454 - 866 + 18, Complexity.of(net, again.masks()).paramsNonzero());
        }
    }

    private static StructuredStrategy fixedScores() {
        return new StructuredStrategy() {
            @Override
            public String name() {
                return "fixed";
            }

            @Override
            public String description() {
                return "fixed scores";
            }

            @Override
            public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
                Map<String, float[]> out = new LinkedHashMap<>();
                for (ChannelGroup g : groups) {
                    float[] s = new float[g.channels()];
                    Arrays.fill(s, 1f);
                    out.put(g.name(), s);
                }
                return out;
            }

            @Override
            public float[] tiedGroupScores(PruningContext context, List<TiedGroup> ties) {
                float[] s = new float[ties.size()];
                Arrays.fill(s, 2f);
                s[3] = 0.5f;
                s[20] = 0.6f;
                return s;
            }
        };
    }

    /** Outputs in training mode (BatchNorm on the batch's statistics; it also moves the running ones). */
    private static float[] trainingOutputs(Network net, NDArray x) {
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray in = x.duplicate();
            in.attach(scope);
            return net.block().forward(new ai.djl.training.ParameterStore(scope, false), new ai.djl.ndarray.NDList(in),
                    true).singletonOrThrow().toFloatArray();
        }
    }

    private static void zeroRow(Parameter p, int row, Random random) {
        NDArray a = p.getArray();
        float[] v = a.toFloatArray();
        int per = Math.toIntExact(v.length / a.getShape().get(0));
        for (int i = row * per; i < (row + 1) * per; i++) {
            v[i] = random == null ? 0 : (float) random.nextGaussian();
        }
        a.set(v);
    }

    /** Input column {@code c} of a weight (all its kernel entries) set to large random values. */
    private static void setColumn(Parameter p, int c, Random random) {
        NDArray a = p.getArray();
        float[] v = a.toFloatArray();
        int rows = Math.toIntExact(a.getShape().get(0));
        int cols = Math.toIntExact(a.getShape().get(1));
        int inner = v.length / rows / cols;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < inner; i++) {
                v[(r * cols + c) * inner + i] = (float) (10 * random.nextGaussian());
            }
        }
        a.set(v);
    }

    private static void assertClose(float[] expected, float[] actual, float[] dense) {
        double scale = 0;
        double difference = 0;
        double effect = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            difference = Math.max(difference, Math.abs(expected[i] - actual[i]));
            effect = Math.max(effect, Math.abs(expected[i] - dense[i]));
        }
        assertTrue(scale > 0.01 && effect > 1e-3 * scale, "outputs up to " + scale + ", moved by " + effect);
        assertTrue(difference <= 1e-5 * Math.max(1, scale), "max difference " + difference + " at scale " + scale);
    }
}
