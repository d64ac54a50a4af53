package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComplexityTest {
    @Test
    void nonzeroCountsFollowZeroedWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 2);
            List<PrunableLayer> layers = net.layers(); // conv1, conv2, fc120, fc84, fc10
            layers.get(0).weight().getArray().set(new NDIndex("0"), 0); // filter 0: 1*5*5 = 25 weights, 784 uses
            layers.get(1).weight().getArray().set(new NDIndex("3"), 0); // filter 3: 6*5*5 = 150 weights, 100 uses
            layers.get(2).bias().getArray().set(new NDIndex(":5"), 0); //  5 biases: parameters, not MACs
            layers.get(4).weight().getArray().set(new NDIndex("0"), 0); // row 0: 84 weights, 1 use

            Complexity c = Complexity.of(net);
            assertEquals(61_706, c.params());
            assertEquals(61_706 - 25 - 150 - 5 - 84, c.paramsNonzero());
            assertEquals(416_520, c.flops());
            assertEquals(416_520 - 25 * 784 - 150 * 100 - 84, c.flopsNonzero());
            assertEquals(61_706 / 61_442.0, c.compression(), 1e-12);
            assertEquals(416_520 / 381_836.0, c.speedup(), 1e-12);
        }
    }

    @Test
    void freshBatchNormBetasAreZeroTrainableEntries() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarResNet.ResNet20(), new Shape(3, 32, 32), 10, manager, 2);
            Complexity c = Complexity.of(net);
            // BN betas start at 0: 16 (stem) + 6 BNs each of 16, 32 and 64 channels = 688 zero entries, which
            // count as parameters but not as nonzero ones; they are no Conv/Linear weights, so MACs stay dense.
            long betas = 16 + 6 * (16 + 32 + 64);
            assertEquals(269_722, c.params());
            assertEquals(269_722 - betas, c.paramsNonzero());
            assertEquals(c.flops(), c.flopsNonzero());
        }
    }

    @Test
    void withMasksOnlyMaskedEntriesAreRemovedSoABudgetIsMetExactly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // ResNet-20 untrained (a 0-epoch run): 688 BatchNorm betas are exactly 0 but stay in the model.
            Network net = Network.create(new CifarResNet.ResNet20(), new Shape(3, 32, 32), 10, manager, 2);
            PrunableLayer first = net.layers().get(0); // stem conv: 16*3*3*3 = 432 weights, 32*32 uses
            PrunableLayer second = net.layers().get(1); // 16*16*3*3 = 2,304 weights, 32*32 uses
            NDArray m1 = manager.ones(first.weightShape());
            m1.set(new NDIndex(":4"), 0); // 4 filters of 27: 108 removed
            NDArray m2 = manager.ones(second.weightShape());
            m2.set(new NDIndex(":1"), 0); // 1 filter of 144 removed
            first.weight().getArray().muli(m1);
            second.weight().getArray().muli(m2);
            second.weight().getArray().set(new NDIndex("1, 0"), 0); // kept by its mask but 0 (a regrown weight): 9
            Map<String, NDArray> masks = Map.of(first.name(), m1, second.name(), m2);

            Complexity c = Complexity.of(net, masks);
            assertEquals(269_722, c.params());
            assertEquals(269_722 - 108 - 144, c.paramsNonzero());
            assertEquals(269_722 / (269_722.0 - 252), c.compression(), 1e-12);
            long dense = Complexity.of(net, null).flops();
            assertEquals(dense - (108 + 144) * 1024L, c.flopsNonzero());
            // counting zeros instead removes the betas and the zero kept weights too
            assertEquals(269_722 - 108 - 144 - 9 - 688, Complexity.of(net).paramsNonzero());
        }
    }
}
