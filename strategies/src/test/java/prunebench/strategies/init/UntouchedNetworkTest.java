package prunebench.strategies.init;

import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.model.Network;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;

/**
 * Scoring reads the network and never writes it: no sign flip left behind by SynFlow, no BatchNorm running
 * statistics moved by a training-mode forward of SNIP or GraSP, bit for bit.
 */
class UntouchedNetworkTest {
    static Network convBn(NDManager m) {
        Network net = TestNets.sequential(m, new Shape(1, 2, 2), 3, () -> new Block[] {
                Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(2).build(),
                BatchNorm.builder().build(), Activation.reluBlock(), Blocks.batchFlattenBlock(),
                Linear.builder().setUnits(3).build()});
        SynFlowTest.setByType(net, Parameter.Type.RUNNING_MEAN, new double[] {-0.5, 0.25});
        SynFlowTest.setByType(net, Parameter.Type.RUNNING_VAR, new double[] {2.0, 0.5});
        SynFlowTest.setByType(net, Parameter.Type.GAMMA, new double[] {-1.5, 0.75});
        return net;
    }

    @Test
    void everyParameterIsBitIdenticalAfterScoring() {
        for (PruningStrategy s : List.of(new Snip(), new Grasp(), new SynFlow())) {
            try (NDManager m = NDManager.newBaseManager()) {
                Network net = convBn(m);
                Map<String, int[]> before = SynFlowTest.bits(net);
                PruningContext c = TestNets.context(net, s, Map.of(), TestNets.tinyData(6, 3), 6, m);
                s.score(c);
                SynFlowTest.assertBitsEqual(before, SynFlowTest.bits(net));
            }
        }
    }

    @Test
    void trainModeSelectsBatchStatistics() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = convBn(m);
            Snip s = new Snip();
            String name = net.layers().get(0).name();
            NDArray train = s.score(TestNets.context(net, s, Map.of("train_mode", true), TestNets.tinyData(6, 3), 6,
                    m)).get(name);
            NDArray eval = s.score(TestNets.context(net, s, Map.of(), TestNets.tinyData(6, 3), 6, m)).get(name);
            assertFalse(Arrays.equals(train.toFloatArray(), eval.toFloatArray()));
        }
    }
}
