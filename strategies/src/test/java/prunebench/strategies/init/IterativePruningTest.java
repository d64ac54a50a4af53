package prunebench.strategies.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.Pruner;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyOptions;
import prunebench.testing.SyntheticData;

/** Scores at init used over several rounds of the exponential schedule, as the core's Pruner runs them. */
class IterativePruningTest {
    @Test
    void exponentialScheduleDensities() {
        // density_k = d^(k/n): 1e-3 over three rounds is 1e-1, 1e-2, 1e-3.
        assertArrayEquals(new long[] {100_000, 10_000, 1_000}, Pruner.schedule(1_000_000, 1_000, 3));
        long[] hundred = Pruner.schedule(1_000_000, 10_000, 100);
        assertEquals(954_993, hundred[0]); // 1e6 * 0.01^(1/100) = 1e6 * 10^-0.02 = 954,992.6
        assertEquals(100_000, hundred[49]); // halfway in log-density: 0.01^(1/2)
        assertEquals(10_000, hundred[99]);
        for (int k = 1; k < hundred.length; k++) {
            assertTrue(hundred[k] <= hundred[k - 1]);
        }
        assertArrayEquals(new long[] {617}, Pruner.schedule(60_630, 617, 1)); // one round is one-shot
    }

    @Test
    void keptCountIsExactAtEveryRoundForIterativeSynFlowAndLayerwiseSnip() {
        ImageData data = SyntheticData.create(64, 8, 1, 28, 10, 1);
        BatchLoader loader = new BatchLoader(data, data.train(), false, Device.cpu());
        record Case(PruningStrategy strategy, Distribution distribution, int iterations) {}
        for (Case k : List.of(new Case(new SynFlow(), Distribution.GLOBAL, 10),
                new Case(new Snip(), Distribution.UNIFORM, 3))) {
            try (NDManager m = NDManager.newBaseManager()) {
                Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, m, 0);
                List<PruningTarget> targets = PruningTargets.of(net, false, false);
                long prunable = targets.stream().mapToLong(PruningTarget::size).sum();
                assertEquals(150 + 2_400 + 48_000 + 10_080, prunable); // every weight but the classifier's
                long keep = Math.round(prunable / 100.0);
                List<Long> keptBefore = new ArrayList<>();
                PruningStrategy recording = new PruningStrategy() {
                    @Override
                    public String name() {
                        return k.strategy().name();
                    }

                    @Override
                    public String description() {
                        return "records the kept count each round starts from";
                    }

                    @Override
                    public Map<String, NDArray> score(PruningContext context) {
                        keptBefore.add(context.masks().keptTotal());
                        return k.strategy().score(context);
                    }
                };
                StrategyOptions options = new StrategyOptions(k.strategy().name(),
                        k.strategy().parameterDefaults(), Map.of());
                try (MaskSet masks = MaskSet.dense(targets, m)) {
                    new Pruner(net, targets, loader, 32, 0).prune(recording, options, masks, keep,
                            k.distribution(), k.iterations(), false);
                    long[] schedule = Pruner.schedule(prunable, keep, k.iterations());
                    assertEquals(k.iterations(), keptBefore.size());
                    assertEquals(prunable, keptBefore.get(0));
                    for (int r = 1; r < k.iterations(); r++) {
                        assertEquals(schedule[r - 1], keptBefore.get(r), k + ": kept before round " + r);
                    }
                    assertEquals(keep, masks.keptTotal(), k.toString());
                    long nonzero = 0;
                    for (PruningTarget t : targets) {
                        nonzero += t.array().countNonzero().getLong();
                        if (k.distribution() == Distribution.UNIFORM) {
                            double density = (double) masks.kept(t.name()) / t.size();
                            assertEquals(0.01, density, 1.0 / t.size() + 1e-12, t.name());
                        }
                    }
                    assertEquals(keep, nonzero, "pruned weights are zeros in the network");
                }
            }
        }
    }
}
