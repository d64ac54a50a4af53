package prunebench.strategies.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.model.Architecture;
import prunebench.model.LeNet300100;
import prunebench.model.Network;
import prunebench.prune.GateContext;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyOptions;

/**
 * {@code l0} in the form of the paper's Table 1 and AMLab-Amsterdam/L0_regularization's {@code L0Dense} /
 * {@code L0Conv2d}: gates per input neuron of a Linear layer and per output feature map of a convolution, a lambda
 * per layer, the P(open)-weighted L2 term; values worked by hand (P = sigmoid(log_alpha + (2/3) log 11), with
 * (2/3) log 11 = 1.598597).
 */
class L0PaperFormTest {
    /** flatten - Linear(3) - Linear(2) (classifier) on 1x1x4 inputs: a 3x4 hidden weight and a 2x3 classifier. */
    static Network mlp(NDManager manager) {
        Linear classifier = Linear.builder().setUnits(2).build();
        SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build()).add(classifier);
        Network n = Network.of("tiny", new Architecture(net, classifier), new Shape(1, 1, 4), 2, manager);
        n.layers().get(0).weight().getArray().set(new float[] {1, -1, 0.5f, 2, 3, -4, 0, 1, 0.5f, 0.5f, -2, 1});
        n.layers().get(0).bias().getArray().set(new float[] {1, -2, 0.5f});
        n.layers().get(1).weight().getArray().set(new float[] {1, 2, -1, 0, 1, 3});
        n.layers().get(1).bias().getArray().set(new float[] {0.5f, -0.5f});
        return n;
    }

    /** Conv2d(2 filters, 2x2) - flatten - Linear(2) on 1x3x3 inputs: 4 weights a filter. */
    static Network conv(NDManager manager) {
        Linear classifier = Linear.builder().setUnits(2).build();
        SequentialBlock net = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(2, 2)).setFilters(2).build())
                .add(Blocks.batchFlattenBlock()).add(classifier);
        Network n = Network.of("tinyconv", new Architecture(net, classifier), new Shape(1, 3, 3), 2, manager);
        n.layers().get(0).weight().getArray().set(new float[] {1, 2, 3, 4, -1, 0, 1, 2});
        n.layers().get(0).bias().getArray().set(new float[] {1, 2});
        return n;
    }

    static GateContext context(Network net, NDManager manager, boolean classifier, Map<String, Object> given) {
        L0 l0 = new L0();
        StrategyOptions o = new StrategyOptions(l0.name(), l0.parameterDefaults(), given);
        l0.validate(o);
        return new GateContext(net, PruningTargets.of(net, classifier, false), manager, 0, o, 1000, 10, 1);
    }

    static void set(HardConcreteGates gates, String name, float... values) {
        gates.loadState(Map.of(name, gates.aux(name).getManager().create(values, gates.aux(name).getShape())));
    }

    static float loss(HardConcreteGates gates, NDManager manager, String gradientOf, float[] gradient) {
        JniUtils.setGradMode(false);
        NDArray aux = gates.aux(gradientOf);
        JniUtils.zeroGrad((PtNDArray) aux);
        float value;
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray l = gates.loss(scope, 0, 100);
            collector.backward(l);
            value = l.getFloat();
        }
        try (NDArray g = aux.getGradient()) {
            System.arraycopy(g.toFloatArray(), 0, gradient, 0, gradient.length);
        }
        return value;
    }

    @Test
    void linearLayersGetOneGatePerInputNeuronWithItsLayersLambda() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = mlp(manager);
            String hidden = net.layers().get(0).name();
            String out = net.layers().get(1).name();
            HardConcreteGates gates = (HardConcreteGates) new L0().gates(context(net, manager, true,
                    Map.of("groups", "input_neurons", "lambdas", List.of(0.5, 2.0))));
            // a 3x4 weight (out, in) gets 4 gates, one per column; the 2x3 classifier gets 3
            assertEquals(new Shape(1, 4), gates.aux(hidden).getShape());
            assertEquals(new Shape(1, 3), gates.aux(out).getShape());
            set(gates, hidden, 0, 2, -1, 4.5f);
            set(gates, out, 1, -2, 0);

            // P: 0.8318222, 0.9733667, 0.6453352, 0.9977590 and 0.9307712, 0.4009753, 0.8318222; an input neuron
            // carries out_features weights: 0.5 x 3 x sum P1 / 1000 + 2 x 2 x sum P2 / 1000 = 0.0138266993
            float[] g = new float[4];
            assertEquals(0.0138266993, loss(gates, manager, hidden, g), 1e-8);
            // d/d log_alpha = lambda x 3 x P (1 - P) / N
            double[] p = {0.8318221840, 0.9733666553, 0.6453352217, 0.9977590163};
            for (int j = 0; j < 4; j++) {
                assertEquals(1.5 * p[j] * (1 - p[j]) / 1000, g[j], 1e-9, "gate " + j);
            }

            // test-time gate min(1, max(0, 1.2 sigmoid(log_alpha) - 0.1)): 0.5, 0.9569565, 0.2227297, 1, on columns
            try (NDManager scope = manager.newSubManager()) {
                NDArray w = net.allParameters().get(hidden).getArray();
                float[] z = {0.5f, 0.9569565f, 0.2227297f, 1f};
                float[] raw = w.toFloatArray();
                float[] expected = new float[12];
                for (int i = 0; i < 12; i++) {
                    expected[i] = raw[i] * z[i % 4];
                }
                assertArrayEquals(expected, gates.weight(hidden, w, scope, -1).toFloatArray(), 1e-6f);
                float[] sample = gates.weight(hidden, w, scope, 5).toFloatArray(); // one draw per column
                assertEquals(sample[0] / raw[0], sample[4] / raw[4], 1e-6f);
                assertEquals(sample[0] / raw[0], sample[8] / raw[8], 1e-6f);
            }
            // the scores repeat a column's log_alpha down the column
            assertArrayEquals(new float[] {0, 2, -1, 4.5f, 0, 2, -1, 4.5f, 0, 2, -1, 4.5f},
                    gates.scores(manager).get(hidden).toFloatArray(), 0f);
            set(gates, out, -3, 1, 0); // 1.2 sigmoid(-3) - 0.1 < 0: closed
            gates.fold();
            assertArrayEquals(new float[] {0, 2 * 0.7772703f, -0.5f, 0, 0.7772703f, 1.5f},
                    net.allParameters().get(out).getArray().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void weightDecayIsWeightedByTheColumnsOpenProbabilityAndALinearBiasIsNot() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = mlp(manager);
            String hidden = net.layers().get(0).name();
            String out = net.layers().get(1).name();
            HardConcreteGates gates = (HardConcreteGates) new L0().gates(context(net, manager, true,
                    Map.of("groups", "input_neurons", "lambdas", List.of(0.5, 2.0), "weight_decay", 0.1)));
            set(gates, hidden, 0, 2, -1, 4.5f);
            set(gates, out, 1, -2, 0);
            // + 0.1 / 2 / 1000 x (sum_j P1_j |col_j|^2 + |b1|^2 + sum_j P2_j |col_j|^2 + |b2|^2), columns' squares
            // 10.25, 17.25, 4.25, 6 and 1, 5, 10, biases' 5.25 and 0.5 (L0Dense: its bias term is not gated)
            float[] g = new float[4];
            assertEquals(0.0163791918, loss(gates, manager, hidden, g), 1e-8);
            double[] p = {0.8318221840, 0.9733666553, 0.6453352217, 0.9977590163};
            double[] col = {10.25, 17.25, 4.25, 6};
            for (int j = 0; j < 4; j++) {
                assertEquals((1.5 + 0.05 * col[j]) * p[j] * (1 - p[j]) / 1000, g[j], 1e-9, "gate " + j);
            }
        }
    }

    @Test
    void convolutionsGetOneGatePerOutputFeatureMapAndTheirBiasIsWeighted() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = conv(manager);
            String c = net.layers().get(0).name();
            HardConcreteGates gates = (HardConcreteGates) new L0().gates(context(net, manager, false,
                    Map.of("groups", "input_neurons", "weight_decay", 0.1)));
            assertEquals(java.util.Set.of(c), gates.weights()); // the classifier is not a target here
            assertEquals(new Shape(2, 1, 1, 1), gates.aux(c).getShape());
            set(gates, c, 0, 2);
            // 4 weights a filter, lambda 1: 4 (P(0) + P(2)) / 1000, + 0.1 / 2 / 1000 x (P(0) (30 + 1^2) + P(2) (6
            // + 2^2)): L0Conv2d weights the bias by its map's P(open) (plain it would be 0.0090104986)
            float[] g = new float[2];
            assertEquals(0.0089967631, loss(gates, manager, c, g), 1e-8);
            try (NDManager scope = manager.newSubManager()) {
                NDArray w = net.allParameters().get(c).getArray();
                assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2, -0.9569565f, 0, 0.9569565f, 2 * 0.9569565f},
                        gates.weight(c, w, scope, -1).toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void perLayerValuesByListOrByTheModelsLayerNames() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet300100(), new Shape(1, 28, 28), 10, manager, 0);
            List<String> w = net.layers().stream().map(l -> l.name()).toList();
            // the paper's lambda sep. form, by PyTorch module name; layers left out keep lambda
            GateContext byName = context(net, manager, true, Map.of("groups", "input_neurons", "lambda", 0.1,
                    "lambdas", Map.of("fc1", 10.0, "fc2", 0.5)));
            assertEquals(Map.of(w.get(0), 10.0, w.get(1), 0.5, w.get(2), 0.1),
                    LayerValues.of(net, byName.options(), "lambdas", 0.1));
            // DJL's names work too, with or without _weight
            GateContext djl = context(net, manager, true, Map.of("lambdas", Map.of(w.get(2), 3.0,
                    w.get(0).replace("_weight", ""), 4.0)));
            assertEquals(Map.of(w.get(0), 4.0, w.get(1), 1.0, w.get(2), 3.0),
                    LayerValues.of(net, djl.options(), "lambdas", 1.0));

            // L0MLP's drop rates: 0.2 at the input layer, 0.5 after: log_alpha starts at log 4 (+ N(0, 0.01))
            HardConcreteGates gates = (HardConcreteGates) new L0().gates(context(net, manager, true, Map.of(
                    "groups", "input_neurons", "droprate_inits", List.of(0.2, 0.5, 0.5))));
            assertEquals(new Shape(1, 784), gates.aux(w.get(0)).getShape());
            assertEquals(new Shape(1, 300), gates.aux(w.get(1)).getShape());
            assertEquals(new Shape(1, 100), gates.aux(w.get(2)).getShape());
            assertEquals(Math.log(4), gates.aux(w.get(0)).mean().getFloat(), 2e-3);
            assertEquals(0, gates.aux(w.get(1)).mean().getFloat(), 3e-3);

            ConfigException e = assertThrows(ConfigException.class, () -> new L0().gates(context(net, manager, true,
                    Map.of("lambdas", List.of(1.0, 2.0)))));
            assertTrue(e.getMessage().contains("fc1, fc2, fc3"), e.getMessage());
            e = assertThrows(ConfigException.class, () -> new L0().gates(context(net, manager, true,
                    Map.of("lambdas", Map.of("fc4", 1.0)))));
            assertTrue(e.getMessage().contains("no Conv/Linear layer 'fc4'"), e.getMessage());
        }
    }

    @Test
    void theNewKeysAreChecked() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = mlp(manager);
            assertThrows(ConfigException.class, () -> context(net, manager, true, Map.of("groups", "columns")));
            assertThrows(ConfigException.class, () -> context(net, manager, true, Map.of("lambdas", List.of(-1.0))));
            assertThrows(ConfigException.class, () -> context(net, manager, true, Map.of("lambdas", 0.1)));
            assertThrows(ConfigException.class, () -> context(net, manager, true,
                    Map.of("droprate_inits", List.of(1.0, 0.5))));
            assertThrows(ConfigException.class, () -> context(net, manager, true, Map.of("weight_decay", -1.0)));
        }
    }

    @Test
    void theDefaultFormIsUnchanged() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = mlp(manager);
            HardConcreteGates gates = (HardConcreteGates) new L0().gates(context(net, manager, false, Map.of()));
            assertEquals(new Shape(3, 4), gates.aux(net.layers().get(0).name()).getShape());
            // l0_channels takes the per-layer keys but not groups (its gates are per output channel)
            assertTrue(new L0Channels().parameterDefaults().containsKey("lambdas"));
            assertTrue(!new L0Channels().parameterDefaults().containsKey("groups"));
        }
    }
}
