package prunebench.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllocationTest {
    @Test
    void uniformKeepsTheSameFractionAndAddsUpExactly() {
        long[] sizes = {150, 2400, 48000, 10080};
        long[] k = Allocation.perTensor(Distribution.UNIFORM, sizes, null, 15_158, false); // a quarter
        assertArrayEquals(new long[] {38, 600, 12000, 2520}, k); // 37.5 rounds up by largest remainder
        assertEquals(15_158, k[0] + k[1] + k[2] + k[3]);
    }

    @Test
    void erkDensitiesFollowTheFormulaAndCapAtOne() {
        // Two linear layers 100x10 and 10x1000: raw = (100+10)/1000 = 0.11 and (10+1000)/10000 = 0.101.
        long[] sizes = {1000, 10000};
        List<long[]> shapes = List.of(new long[] {100, 10}, new long[] {10, 1000});
        long keep = 2200;
        // eps solves 0.11*eps*1000 + 0.101*eps*10000 = 2200 -> eps = 2200 / 1120 = 1.9642857
        double eps = 2200.0 / 1120.0;
        long[] k = Allocation.perTensor(Distribution.ERK, sizes, shapes, keep, false);
        assertEquals(Math.round(0.11 * eps * 1000), k[0]); // 216.07 -> 216
        assertEquals(keep - k[0], k[1]);

        // A small first layer that would exceed density 1 is made dense and the rest re-solved.
        long[] sizes2 = {9, 10000};
        List<long[]> shapes2 = List.of(new long[] {3, 3}, new long[] {100, 100});
        long[] k2 = Allocation.perTensor(Distribution.ERK, sizes2, shapes2, 1009, false);
        assertArrayEquals(new long[] {9, 1000}, k2);
    }

    @Test
    void denseFirstLayerStaysWhole() {
        long[] k = Allocation.perTensor(Distribution.UNIFORM, new long[] {100, 1000}, null, 600, true);
        assertArrayEquals(new long[] {100, 500}, k);
    }

    @Test
    void exponentialScheduleEndsExactlyAtTheTarget() {
        long[] rounds = Pruner.schedule(10_000, 100, 4); // density 0.01: 0.01^(1/4) = 0.316..., 0.1, 0.0316, 0.01
        assertArrayEquals(new long[] {3162, 1000, 316, 100}, rounds);
    }
}
