package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.StrategySpec;
import prunebench.model.Architecture;
import prunebench.model.Network;
import prunebench.prune.Distribution;
import prunebench.prune.DynamicContext;
import prunebench.prune.Gmp;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyRegistry;
import prunebench.testing.TestMagnitude;

/**
 * gmp's pruning steps on hand-set weights: a first layer of 4 small weights and a second of 8 larger ones, 12
 * prunable, pruned on the cubic schedule over 4 steps (start 0, end 1, every 1) to 6 kept (s_f = 0.5). At step 2
 * the schedule keeps round(12 (1 - 0.5 (1 - 0.5^3))) = round(6.75) = 7, at step 4 the target 6. Global and
 * per-layer thresholds choose different weights here: the first layer's weights are all below the second's.
 */
class GradualPrunerTest {
    static final float[] FIRST = {0.01f, -0.04f, 0.02f, 0.03f};
    static final float[] SECOND = {0.1f, -0.8f, 0.3f, 0.5f, -0.2f, 0.7f, 0.4f, 0.6f};
    final StrategyRegistry registry = new StrategyRegistry(List.of(new Gmp(), new TestMagnitude()));

    @Test
    void byDefaultEveryLayerIsPrunedToTheSameSparsityByItsOwnThreshold() {
        StrategyAxes axes = axes(Map.of());
        assertEquals(Distribution.UNIFORM, axes.distribution(), "the papers' layer-wise sparsity, not the score's");
        // step 2, 7 kept: 7 x 4/12 = 2.33 and 7 x 8/12 = 4.67, largest remainder 2 + 5: the first layer keeps its
        // two largest |w| (0.04, 0.03), the second its five (0.8, 0.7, 0.6, 0.5, 0.4)
        // step 4, 6 kept: 2 + 4, the second layer drops 0.4
        assertMasks(axes, new float[] {0, 1, 0, 1}, new float[] {0, 1, 0, 1, 0, 1, 1, 1},
                new float[] {0, 1, 0, 1}, new float[] {0, 1, 0, 1, 0, 1, 0, 1});
    }

    @Test
    void distributionGlobalRanksAllLayersTogetherAsTheOldDefaultDid() {
        StrategyAxes axes = axes(Map.of("distribution", "global"));
        // one threshold: the 7 (then 6) largest |w| anywhere are all in the second layer; the first loses everything
        assertMasks(axes, new float[] {0, 0, 0, 0}, new float[] {0, 1, 1, 1, 1, 1, 1, 1},
                new float[] {0, 0, 0, 0}, new float[] {0, 1, 1, 1, 0, 1, 1, 1});
    }

    @Test
    void aDenseFirstLayerStaysDenseAtEveryPruningStep() {
        StrategyAxes axes = axes(Map.of("dense_first_layer", true));
        assertEquals(true, axes.denseFirst());
        // the first layer keeps its 4; the second gets the rest of the budget: 3 at step 2 (0.8, 0.7, 0.6), 2 at
        // step 4 (0.8, 0.7)
        assertMasks(axes, new float[] {1, 1, 1, 1}, new float[] {0, 1, 0, 0, 0, 1, 0, 1},
                new float[] {1, 1, 1, 1}, new float[] {0, 1, 0, 0, 0, 1, 0, 0});
    }

    private StrategyAxes axes(Map<String, Object> params) {
        Map<String, Object> p = new java.util.HashMap<>(params);
        p.put("score", "magnitude"); // the test score, whose own default distribution is global
        p.put("start", 0.0);
        p.put("end", 1.0);
        p.put("every", 1);
        return StrategyAxes.of(new StrategySpec("gmp", "g", p), registry);
    }

    /** Runs steps 2 and 4 of 4 and checks the masks after each (first layer, second layer). */
    private static void assertMasks(StrategyAxes axes, float[] first2, float[] second2, float[] first4,
            float[] second4) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear classifier = Linear.builder().setUnits(2).build();
            SequentialBlock block = new SequentialBlock().add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(1).optBias(false).build())
                    .add(Linear.builder().setUnits(8).optBias(false).build()).add(classifier);
            Network net = Network.of("tiny", new Architecture(block, classifier), new Shape(1, 2, 2), 2, manager);
            List<PruningTarget> targets = PruningTargets.of(net, false, false);
            assertEquals(2, targets.size());
            targets.get(0).array().set(FloatBuffer.wrap(FIRST));
            targets.get(1).array().set(FloatBuffer.wrap(SECOND));
            try (MaskSet masks = MaskSet.dense(targets, manager)) {
                GradualPruner pruner = new GradualPruner(new DynamicContext(net, targets, masks, null, 0,
                        axes.options()), new GradualPruner.Settings(axes.scorer(), axes.scorerOptions(),
                        axes.distribution(), axes.denseFirst(), 6, 0, 1, 1, 4), null);
                // step 1: s_1 = 0.5 (1 - 0.75^3) = 0.289, round(8.53) = 9 kept; step 3: round(6.09) = 6 already
                pruner.afterStep(0, 0, 0, 4);
                pruner.afterStep(0, 1, 1, 4);
                assertArrayEquals(first2, masks.get(targets.get(0).name()).toFloatArray(), "step 2, first layer");
                assertArrayEquals(second2, masks.get(targets.get(1).name()).toFloatArray(), "step 2, second layer");
                pruner.afterStep(0, 2, 2, 4);
                pruner.afterStep(0, 3, 3, 4);
                assertArrayEquals(first4, masks.get(targets.get(0).name()).toFloatArray(), "step 4, first layer");
                assertArrayEquals(second4, masks.get(targets.get(1).name()).toFloatArray(), "step 4, second layer");
            }
        }
    }
}
