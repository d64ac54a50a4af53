package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import prunebench.prune.Allocation;
import prunebench.prune.Distribution;

/** ERK (Evci et al. 2020): density proportional to sum(dims)/prod(dims) over all dims, kernel included. */
class ErkTest {
    @Test
    void convAndLinearShapes() {
        // (16,3,3,3): (16+3+3+3)/432 = 25/432; (10,64): 74/640. keep = eps * (25 + 74) = 297 -> eps = 3.
        long[] sizes = {432, 640};
        List<long[]> shapes = List.of(new long[] {16, 3, 3, 3}, new long[] {10, 64});
        assertArrayEquals(new long[] {75, 222}, Allocation.perTensor(Distribution.ERK, sizes, shapes, 297, false));
        // keep 900: eps = 900/99 would give the linear layer density 74/640 * 9.09 = 1.05 > 1, so it is dense
        // and eps is re-solved on the conv: (900 - 640) / 25 = 10.4 -> 260 of 432.
        assertArrayEquals(new long[] {260, 640}, Allocation.perTensor(Distribution.ERK, sizes, shapes, 900, false));
    }

    @Test
    void rigLInitialMasksOnLeNet5FollowErk() {
        // Prunable: conv1 (6,1,5,5), conv2 (16,6,5,5), fc1 (120,400), fc2 (84,120); the classifier stays dense.
        // raw*size = 17, 32, 520, 204. With keep 7730, eps = 10 would make conv1 1.13 dense: conv1 = 150 and
        // eps = 7580 / 756 on the rest: 320.85, 5213.76, 2045.40 -> largest remainders round up conv2 and fc1.
        try (Fixture f = new Fixture(new RigL(), 0)) {
            long[] kept = f.targets.stream().mapToLong(t -> f.masks.kept(t.name())).toArray();
            assertArrayEquals(new long[] {150, 321, 5214, 2045}, kept);
            assertEquals(Fixture.KEEP, kept[0] + kept[1] + kept[2] + kept[3]);
        }
    }
}
