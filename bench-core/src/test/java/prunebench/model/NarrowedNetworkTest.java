package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class NarrowedNetworkTest {
    @Test
    void channelsReadByAConvolutionArePaddedWithZeroChannelsToAMultipleOf16() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network vgg = Network.create(new CifarVgg.Vgg11(), new Shape(3, 32, 32), 10, manager, 0);
            List<ChannelGroup> groups = ChannelStructure.of(vgg);
            ChannelGroup conv = groups.get(0); // 64 channels read by conv2_1
            assertArrayEquals(new int[] {0, 2, 5}, NarrowingPlan.padded(conv, new int[] {0, 2, 5}));
            int[] kept = new int[17];
            for (int i = 0; i < 17; i++) {
                kept[i] = 3 * i;
            }
            int[] padded = NarrowingPlan.padded(conv, kept);
            assertArrayEquals(kept, java.util.Arrays.copyOf(padded, 17));
            assertArrayEquals(new int[15], java.util.Arrays.stream(padded).skip(17).map(i -> i + 1).toArray());
            int[] almostAll = java.util.stream.IntStream.range(0, 60).toArray();
            org.junit.jupiter.api.Assertions.assertEquals(64, NarrowingPlan.padded(conv, almostAll).length, "never beyond the original width");
            ChannelGroup last = groups.get(groups.size() - 1); // read by the Linear classifier: no padding
            assertArrayEquals(kept, NarrowingPlan.padded(last, kept));
        }
    }

    @Test
    void selectKeepsRowsAndColumnsAndZeroesPadding() {
        float[] w = new float[3 * 4 * 2]; // (3, 4, 2)
        for (int i = 0; i < w.length; i++) {
            w[i] = i;
        }
        float[] s = SurvivingValueCopy.select(w, new Shape(3, 4, 2), new int[] {2, -1}, new int[] {1, 3});
        assertArrayEquals(new float[] {18, 19, 22, 23, 0, 0, 0, 0}, s);
        assertArrayEquals(new int[] {4, 5, 6, 7, -1, -1}, NarrowingPlan.expand(new int[] {2, 3, -1}, 2));
    }
}
