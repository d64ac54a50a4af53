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

    @Test
    void layerDensitiesComeBackAtTheirOwnTotalAndScaleByOneFactor() {
        long[] sizes = {1000, 100, 10};
        double[] shape = {0.1, 0.2, 1.0};
        // 0.1 x 1000 + 0.2 x 100 + 1.0 x 10 = 130 kept: the factor is 1, the densities as given
        assertArrayEquals(new long[] {100, 20, 10}, Allocation.shaped(sizes, shape, 130, false));
        // half of it: factor 0.5, 50 + 10 + 5
        assertArrayEquals(new long[] {50, 10, 5}, Allocation.shaped(sizes, shape, 65, false));
    }

    @Test
    void layerDensitiesCapAtOneAndRedistributeTheExcess() {
        long[] sizes = {1000, 100, 10};
        double[] shape = {0.1, 0.2, 1.0};
        // 200 kept: factor 200/130 = 1.54 takes the last layer past 1, so it is dense (10) and the other 190 are
        // shared by 0.1 x 1000 + 0.2 x 100 = 120: factor 190/120 = 1.583, 158.33 and 31.67 -> 158 + 32 (largest
        // remainder), 158 + 32 + 10 = 200
        assertArrayEquals(new long[] {158, 32, 10}, Allocation.shaped(sizes, shape, 200, false));
        // two capped in one pass: 0.1/0.5/1.0 at 400: factor 400/160 = 2.5 takes both small layers past 1; the
        // remaining 290 go to the first layer (density 0.29)
        assertArrayEquals(new long[] {290, 100, 10}, Allocation.shaped(sizes, new double[] {0.1, 0.5, 1.0}, 400,
                false));
    }
}
