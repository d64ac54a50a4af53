package prunebench.strategies.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.data.BatchLoader;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.Pruner;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyOptions;
import prunebench.strategies.random.RandomPruning;

/**
 * RigL, SET and the static random ERK baseline start from the identical mask for the same seed, so that comparing them
 * isolates the update rule; another seed gives another mask.
 */
class SharedInitialMaskTest {
    static List<float[]> initialMask(PruningStrategy strategy, long seed) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network network = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, seed);
            List<PruningTarget> targets = PruningTargets.of(network, false, false);
            BatchLoader train = new BatchLoader(Fixture.DATA, Fixture.DATA.train(), false, Device.cpu());
            try (MaskSet masks = MaskSet.dense(targets, manager)) {
                new Pruner(network, targets, train, 32, seed).prune(strategy,
                        new StrategyOptions(strategy.name(), strategy.parameterDefaults(), Map.of()), masks,
                        Fixture.KEEP, Distribution.ERK, 1, false);
                List<float[]> out = new ArrayList<>();
                targets.forEach(t -> out.add(masks.get(t.name()).toFloatArray()));
                return out;
            }
        }
    }

    @Test
    void rigLSetAndStaticRandomErkStartFromOneMask() {
        List<float[]> random = initialMask(new RandomPruning(), 3);
        List<float[]> rigl = initialMask(new RigL(), 3);
        List<float[]> set = initialMask(new SparseEvolutionary(), 3);
        for (int i = 0; i < random.size(); i++) {
            assertArrayEquals(random.get(i), rigl.get(i), "rigl, tensor " + i);
            assertArrayEquals(random.get(i), set.get(i), "set, tensor " + i);
        }
        List<float[]> otherSeed = initialMask(new RigL(), 4);
        assertFalse(Arrays.equals(rigl.get(2), otherSeed.get(2)), "another seed draws another mask");
    }
}
