package prunebench.strategies.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.model.Network;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;

class ScoringDataTest {
    static int count(Object batches) {
        StrategyOptions o = new StrategyOptions("snip", new Snip().parameterDefaults(), Map.of("batches", batches));
        return ScoringData.count(o);
    }

    @Test
    void anExplicitCountIsTakenAsIsAndNonsenseIsRefused() {
        assertEquals(0, count("auto")); // the class-balanced sample
        assertEquals(3, count(3));
        assertEquals(3, count("3")); // as the YAML reader hands a value whose default is a string
        assertThrows(ConfigException.class, () -> count(0));
        assertThrows(ConfigException.class, () -> count(1.5));
        assertThrows(ConfigException.class, () -> count("all"));
        StrategyOptions none = new StrategyOptions("grasp", new Grasp().parameterDefaults(),
                Map.of("samples_per_class", 0));
        assertThrows(ConfigException.class, () -> new Grasp().validate(none));
    }

    @Test
    void snipAndGraspScoreOnTenExamplesPerClassByDefault() {
        for (var s : List.of(new Snip(), new Grasp())) {
            assertEquals(10, s.parameterDefaults().get("samples_per_class"), s.name());
            assertEquals("auto", s.parameterDefaults().get("batches"), s.name());
        }
    }

    /** Labels of the default scoring data of a context over {@code data}, with {@code given} options. */
    static List<long[]> labels(BatchLoader data, Map<String, Object> given, int batchSize, NDManager m) {
        Network net = TestNets.sequential(m, new Shape(1, 2, 2), 5,
                () -> new Block[] {Blocks.batchFlattenBlock(), Linear.builder().setUnits(5).build()});
        PruningContext c = TestNets.context(net, new Snip(), given, data, batchSize, m);
        List<long[]> out = new ArrayList<>();
        ScoringData.batches(c).forEach(b -> out.add(b.labels().toLongArray()));
        return out;
    }

    @Test
    void theDefaultSampleIsClassBalancedSeededAndInBatchesOfTheRunsSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            BatchLoader data = TestNets.tinyData(200, 5); // 40 examples of each of 5 classes
            List<long[]> batches = labels(data, Map.of("samples_per_class", 3), 8, m);
            assertEquals(2, batches.size()); // 15 examples in batches of 8
            assertEquals(8, batches.get(0).length);
            assertEquals(7, batches.get(1).length);
            int[] perClass = new int[5];
            for (long[] b : batches) {
                for (long y : b) {
                    perClass[(int) y]++;
                }
            }
            assertArrayEquals(new int[] {3, 3, 3, 3, 3}, perClass);
            // The first 3 of each class in the seed's shuffled order, kept in that order.
            int[] order = data.order(TestNets.SEED, -1, true);
            int[] taken = new int[5];
            List<Long> expected = new ArrayList<>();
            for (int i : order) {
                if (taken[data.label(i)]++ < 3) {
                    expected.add((long) data.label(i));
                }
            }
            List<Long> actual = new ArrayList<>();
            batches.forEach(b -> {
                for (long y : b) {
                    actual.add(y);
                }
            });
            assertEquals(expected, actual);
            // batches: N takes whole shuffled batches instead.
            List<long[]> whole = labels(data, Map.of("batches", 2), 8, m);
            assertEquals(2, whole.size());
            assertEquals(16, whole.get(0).length + whole.get(1).length);
        }
    }
}
