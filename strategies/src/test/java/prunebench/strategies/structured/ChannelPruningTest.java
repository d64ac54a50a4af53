package prunebench.strategies.structured;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.StrategyRegistry;
import prunebench.prune.structured.ChannelPruner;
import prunebench.testing.SyntheticData;

class ChannelPruningTest {
    @Test
    void theLassosGramFormIsTheChannelsContributionsToTheOutput() {
        // Two input channels, one entry each (k = 1), one output, two rows: P = [[1, 2], [3, 0]], W = [[2, -1]].
        // Z1 = 2 * (1, 3) = (2, 6), Z2 = -1 * (2, 0) = (-2, 0), Y = Z1 + Z2 = (0, 6).
        // G = [[Z1.Z1, Z1.Z2], [Z2.Z1, Z2.Z2]] = [[40, -4], [-4, 4]], c = (Z1.Y, Z2.Y) = (36, 0), m = 2.
        try (NDManager manager = NDManager.newBaseManager()) {
            double[][] g = new double[2][2];
            double[] c = new double[2];
            NDArray w = manager.create(new float[] {2, -1}, new Shape(1, 2));
            double m = LassoGram.contributions(manager, new SampledRows(new float[] {1, 2, 3, 0}, 2, 2),
                    w, 2, g, c);
            assertEquals(2, m, 0);
            assertArrayEquals(new double[] {40, -4}, g[0], 1e-9);
            assertArrayEquals(new double[] {-4, 4}, g[1], 1e-9);
            assertArrayEquals(new double[] {36, 0}, c, 1e-9);
        }
    }

    @Test
    void leastSquaresReproducesTheOutputWhenTheRemovedChannelIsZeroOrADependentOne() {
        // A 2-channel Linear layer, W = [[1, 3], [-2, .5]], b = (.5, -1), on rows x1 = (1, 2, -1, .5).
        // Channel 2 always zero: y = x1 * W[:, 0] + b, so the fit on channel 1 alone is W[:, 0] = (1, -2), b.
        // Channel 2 = 2 * channel 1: y = x1 * (W[:, 0] + 2 W[:, 1]) + b: the fit is (1 + 6, -2 + 1) = (7, -1), b.
        float[] x1 = {1, 2, -1, 0.5f};
        for (double factor : new double[] {0, 2}) {
            double[] y = new double[8];
            for (int r = 0; r < 4; r++) {
                double x2 = factor * x1[r];
                y[2 * r] = 1 * x1[r] + 3 * x2 + 0.5;
                y[2 * r + 1] = -2 * x1[r] + 0.5 * x2 - 1;
            }
            NormalEquations normal = new NormalEquations(1, 2, true);
            try (NDManager manager = NDManager.newBaseManager()) {
                normal.add(manager, x1, y, 4);
                double[] solution = normal.solve(manager, 0);
                double[] expected = factor == 0 ? new double[] {1, -2, 0.5, -1} : new double[] {7, -1, 0.5, -1};
                assertArrayEquals(expected, solution, 1e-9);
                // the default relative ridge (1e-6 of the mean diagonal) moves it by little
                assertArrayEquals(expected, normal.solve(manager, 1e-6), 1e-4);
            }
        }
    }

    @Test
    void keysAreValidatedAndTheStrategyIsRegistered() {
        ChannelPruning s = new ChannelPruning();
        assertEquals(s.name(), new StrategyRegistry().get("channel_pruning").name());
        assertEquals(Distribution.UNIFORM, s.defaultDistribution());
        s.validate(options(Map.of()));
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("samples", 0), Map.of("positions", 0),
                Map.of("lasso_rows", 0), Map.of("alphas", 1), Map.of("alpha_ratio", 1.0),
                Map.of("alpha_ratio", 0.0), Map.of("ridge", -1.0))) {
            assertThrows(ConfigException.class, () -> s.validate(options(bad)), bad.toString());
        }
    }

    @Test
    void theReconstructionBringsThePrunedNetworkCloserToTheOriginalThanTheSameChoiceWithout() {
        // LeNet-5 at random initialisation on synthetic images, pruned 2x (the same fraction of every layer): the
        // channel choice does not depend on `reconstruct`; with it the pruned logits are closer to the dense ones.
        ImageData data = SyntheticData.create(256, 16, 1, 28, 10, 3);
        float[][] kept = new float[2][];
        double[] errors = new double[2];
        for (int run = 0; run < 2; run++) {
            boolean reconstruct = run == 1;
            try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
                BatchLoader train = new BatchLoader(data, data.train(), false, Device.cpu());
                ChannelPruning s = new ChannelPruning();
                StrategyOptions o = options(Map.of("samples", 128, "positions", 4, "lasso_rows", 64,
                        "reconstruct", reconstruct));
                ChannelPruner pruner = new ChannelPruner(net);
                MaskSet masks = MaskSet.dense(pruner.targets(), manager);
                PruningContext probe = new PruningContext(net, pruner.targets(), masks, manager, train, 64, 0, 0, o);
                BatchLoader.Batch batch = probe.batches(1, 64).get(0);
                float[] dense = probe.forward(batch.images(), false).toFloatArray();
                pruner.prune(s, o, masks, 2, Distribution.UNIFORM, 1, false, train, 64, 0);
                float[] pruned = probe.forward(batch.images(), false).toFloatArray();
                double err = 0;
                double norm = 0;
                for (int i = 0; i < dense.length; i++) {
                    err += (pruned[i] - dense[i]) * (pruned[i] - dense[i]);
                    norm += dense[i] * dense[i];
                }
                errors[run] = Math.sqrt(err / norm);
                int[] k = pruner.kept(masks).get(pruner.groups().get(1).name());
                kept[run] = new float[k.length];
                for (int i = 0; i < k.length; i++) {
                    kept[run][i] = k[i];
                }
            }
        }
        assertArrayEquals(kept[0], kept[1]);
        // measured 0.22 without, 0.001 with
        assertTrue(errors[1] < 0.5 * errors[0], "relative error with " + errors[1] + ", without " + errors[0]);
    }

    @Test
    void onAResNetTheInnerConvolutionsAreRefitThroughBatchNormAndPadding() {
        // ResNet-20: the groups are the blocks' inner conv1 (with BatchNorm), read by the padded 3x3 conv2; the
        // refit pruned network is closer to the dense one than the same choice without it.
        ImageData data = SyntheticData.create(64, 16, 3, 32, 10, 5);
        double[] errors = new double[2];
        for (int run = 0; run < 2; run++) {
            try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                Network net = Network.create(new prunebench.model.CifarResNet.ResNet20(), new Shape(3, 32, 32), 10,
                        manager, 0);
                BatchLoader train = new BatchLoader(data, data.train(), false, Device.cpu());
                StrategyOptions o = options(Map.of("samples", 64, "positions", 64, "lasso_rows", 32, "alphas", 20,
                        "reconstruct", run == 1));
                ChannelPruner pruner = new ChannelPruner(net);
                MaskSet masks = MaskSet.dense(pruner.targets(), manager);
                PruningContext probe = new PruningContext(net, pruner.targets(), masks, manager, train, 32, 0, 0, o);
                BatchLoader.Batch batch = probe.batches(1, 32).get(0);
                float[] dense = probe.forward(batch.images(), false).toFloatArray();
                pruner.prune(new ChannelPruning(), o, masks, 1.5, Distribution.UNIFORM, 1, false, train, 32, 0);
                float[] pruned = probe.forward(batch.images(), false).toFloatArray();
                double err = 0;
                double norm = 0;
                for (int i = 0; i < dense.length; i++) {
                    assertTrue(Float.isFinite(pruned[i]));
                    err += (pruned[i] - dense[i]) * (pruned[i] - dense[i]);
                    norm += dense[i] * dense[i];
                }
                errors[run] = Math.sqrt(err / norm);
            }
        }
        // measured 0.109 without, 0.048 with; with 8 positions (512 rows for ~100 unknowns per output) the fit
        // overfits its rows and the error grew (0.141): the least squares needs many more rows than kept inputs
        assertTrue(errors[1] < 0.7 * errors[0], "relative error with " + errors[1] + ", without " + errors[0]);
    }

    private static StrategyOptions options(Map<String, Object> given) {
        return new StrategyOptions("channel_pruning", new ChannelPruning().parameterDefaults(), given);
    }
}
