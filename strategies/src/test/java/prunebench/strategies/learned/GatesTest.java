package prunebench.strategies.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.OptimizerSpec;
import prunebench.model.Architecture;
import prunebench.model.Network;
import prunebench.prune.GateContext;
import prunebench.prune.LearnedMask;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyOptions;
import prunebench.train.TrainableParameter;

/** The gates' penalties, test-time weights and schedules on hand-worked cases. */
class GatesTest {
    /** flatten - Linear(2) - Linear(2) (classifier), on 1x1x2 inputs: one prunable 2x2 weight. */
    static Network tiny(NDManager manager) {
        Linear classifier = Linear.builder().setUnits(2).build();
        SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(2).build()).add(classifier);
        Network n = Network.of("tiny", new Architecture(net, classifier), new Shape(1, 1, 2), 2, manager);
        n.layers().get(0).weight().getArray().set(new float[] {1f, -1f, 0.5f, 2f});
        return n;
    }

    static GateContext context(Network net, NDManager manager, PruningStrategy s, Map<String, Object> given,
            int trainSize, int stepsPerEpoch, int epochs) {
        return new GateContext(net, PruningTargets.of(net, false, false), manager, 0,
                new StrategyOptions(s.name(), s.parameterDefaults(), given), trainSize, stepsPerEpoch, epochs);
    }

    static String hidden(Network net) {
        return net.layers().get(0).name();
    }

    static void setAux(WeightGates gates, String name, float... values) {
        gates.loadState(Map.of(name, gates.aux(name).getManager().create(values, new Shape(2, 2))));
    }

    /** The loss term's value, and the gradient it leaves on the auxiliary tensor of {@code name}. */
    static float[] lossAndGradient(WeightGates gates, String name, NDManager manager, long step) {
        JniUtils.setGradMode(false);
        NDArray aux = gates.aux(name);
        JniUtils.zeroGrad((PtNDArray) aux);
        float value;
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray loss = gates.loss(scope, step, 100);
            collector.backward(loss);
            value = loss.getFloat();
        }
        try (NDArray g = aux.getGradient()) {
            float[] out = new float[5];
            out[0] = value;
            System.arraycopy(g.toFloatArray(), 0, out, 1, 4);
            return out;
        }
    }

    static float[] values(NDArray a) {
        return a.toFloatArray();
    }

    @Test
    void hardConcreteExpectedL0AndItsGradientAtLogAlphaZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = tiny(manager);
            L0 l0 = new L0();
            HardConcreteGates gates = (HardConcreteGates) l0.gates(context(net, manager, l0, Map.of(), 1000, 10, 1));
            String w = hidden(net);
            setAux(gates, w, 0, 0, 0, 0);
            // P(z != 0) = sigmoid(0 - (2/3) log(0.1 / 1.1)) = sigmoid(1.598597) = 0.831822; lambda / N = 1 / 1000
            float[] r = lossAndGradient(gates, w, manager, 0);
            assertEquals(4 * 0.831822 / 1000, r[0], 1e-8);
            float slope = (float) (0.831822 * (1 - 0.831822) / 1000); // P (1 - P) lambda / N
            assertArrayEquals(new float[] {slope, slope, slope, slope}, Arrays.copyOfRange(r, 1, 5), 1e-9f);

            // the test-time gate at log_alpha 0 is min(1, max(0, 0.5 * 1.2 - 0.1)) = 0.5; at 4 it is 1, at -4 it is 0
            setAux(gates, w, 0, 4, -4, 0);
            try (NDManager scope = manager.newSubManager()) {
                NDArray weight = net.allParameters().get(w).getArray();
                assertArrayEquals(new float[] {0.5f, -1f, 0f, 1f}, values(gates.weight(w, weight, scope, -1)), 1e-6f);
                // a training sample lies in [0, 1] x w and is drawn again identically for the same step
                float[] a = values(gates.weight(w, weight, scope, 7));
                float[] b = values(gates.weight(w, weight, scope, 7));
                assertArrayEquals(a, b, 0f);
            }
            gates.fold();
            assertArrayEquals(new float[] {0.5f, -1f, 0f, 1f}, values(net.allParameters().get(w).getArray()), 1e-6f);
            assertArrayEquals(new float[] {0, 4, -4, 0}, values(gates.scores(manager).get(w)), 0f);

            // log_alpha is clamped to [log 1e-2, log 1e2] after every step, as constrain_parameters()
            setAux(gates, w, 10, -10, 1, 0);
            gates.afterStep(0, 10);
            assertArrayEquals(new float[] {(float) Math.log(100), (float) Math.log(0.01), 1, 0}, values(gates.aux(w)),
                    1e-6f);
        }
    }

    @Test
    void gatesClampedAfterEveryStepLeaveNothingBehindOnTheRunsManager() {
        // the clamp once left a gate-sized tensor on the run's manager at every step: l0's 200 epochs grew to 22 GB
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = tiny(manager);
            L0 l0 = new L0();
            HardConcreteGates hard = (HardConcreteGates) l0.gates(context(net, manager, l0, Map.of(), 1000, 10, 1));
            SparseGates sg = new SparseGates();
            WeightGates bernoulli = (WeightGates) sg.gates(context(net, manager, sg, Map.of(), 1000, 10, 1));
            String w = hidden(net);
            for (WeightGates gates : java.util.List.of(hard, bernoulli)) {
                setAux(gates, w, 10, -10, 0.5f, 0);
                gates.afterStep(0, 10);
                int before = manager.getManagedArrays().size();
                for (int step = 1; step <= 50; step++) {
                    gates.afterStep(step, 100);
                }
                assertEquals(before, manager.getManagedArrays().size(), gates.getClass().getSimpleName());
            }
            assertArrayEquals(new float[] {1, 0, 0.5f, 0}, values(bernoulli.aux(w)), 0f);
        }
    }

    @Test
    void groupNjClipsItsVariancesWithoutLeavingAnythingOnTheRunsManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = tiny(manager);
            BayesianCompression bc = new BayesianCompression();
            GroupNjGates gates = (GroupNjGates) bc.gates(context(net, manager, bc, Map.of("clip_var", 0.5), 1000, 10,
                    1));
            gates.afterStep(0, 10);
            int before = manager.getManagedArrays().size();
            for (int step = 1; step <= 50; step++) {
                gates.afterStep(step, 100);
            }
            assertEquals(before, manager.getManagedArrays().size());
        }
    }

    @Test
    void sparseVariationalDropoutKlApproximation() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = tiny(manager);
            VariationalDropout vd = new VariationalDropout();
            // 200 learning epochs, the notebook's: the default warm-up (24.5% of them) rises by 0.02 an epoch
            LogAlphaGates gates = (LogAlphaGates) vd.gates(context(net, manager, vd, Map.of(), 1, 10, 200));
            String w = hidden(net);
            net.allParameters().get(w).getArray().set(new float[] {1f, 1f, 1f, (float) Math.exp(-1)});
            // log alpha = 2 log sigma - 2 log |theta|: 0, 10 (clamped from 12), -2, 0 + 2 = 2 -> with sigma below
            setAux(gates, w, 0, 6, -1, 0);
            try (NDManager scope = manager.newSubManager()) {
                assertArrayEquals(new float[] {0, 10, -2, 2}, values(gates.logAlpha(scope, w)), 1e-5f);
                // KL = -(k1 sigmoid(k2 + k3 la) - 0.5 log1p(exp(-la)) - k1): 0.431239 at 0, 2.2733e-5 at 10,
                // 1.540533 at -2 (worked by hand from the paper's constants)
                NDArray kl0 = LogAlphaGates.kl(scope, scope.create(new float[] {0f}));
                assertEquals(0.431239, kl0.getFloat(), 1e-5);
                assertEquals(2.2733e-5, LogAlphaGates.kl(scope, scope.create(new float[] {10f})).getFloat(), 1e-6);
                assertEquals(1.540533, LogAlphaGates.kl(scope, scope.create(new float[] {-2f})).getFloat(), 1e-5);
                // the test-time weights keep log alpha < 3
                NDArray theta = net.allParameters().get(w).getArray();
                assertArrayEquals(new float[] {1f, 0f, 1f, (float) Math.exp(-1)},
                        values(gates.weight(w, theta, scope, -1)), 1e-6f);
            }
            // kl_weight: 0.02 in the first epoch, +0.02 per epoch (10 steps each), at most 1
            assertEquals(0.02, gates.klWeight(0), 1e-12);
            assertEquals(0.08, gates.klWeight(35), 1e-12);
            assertEquals(1.0, gates.klWeight(10_000), 1e-12);
            // the warm-up is a fraction of the learning length: 2 epochs reach 1 in the second (a fixed 0.02 an epoch
            // would stop at 0.04); 100 epochs rise by 0.04; an explicit kl_weight_step is kept as given
            LogAlphaGates two = (LogAlphaGates) vd.gates(context(net, manager, vd, Map.of(), 1, 10, 2));
            assertEquals(0.02, two.klWeight(9), 1e-12);
            assertEquals(1.0, two.klWeight(10), 1e-12);
            LogAlphaGates hundred = (LogAlphaGates) vd.gates(context(net, manager, vd, Map.of(), 1, 10, 100));
            assertEquals(0.06, hundred.klWeight(10), 1e-12);
            LogAlphaGates given = (LogAlphaGates) vd.gates(context(net, manager, vd, Map.of("kl_weight_start", 0.0,
                    "kl_weight_step", 0.05), 1, 10, 2));
            assertEquals(0.05, given.klWeight(10), 1e-12);
            assertArrayEquals(new float[] {0, -10, 2, -2}, values(gates.scores(manager).get(w)), 1e-5f);
        }
    }

    /** flatten - Linear(2) - BatchNorm - Linear(2) (classifier): a bias and running statistics to rewind. */
    static Network tinyWithBatchNorm(NDManager manager) {
        Linear classifier = Linear.builder().setUnits(2).build();
        SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(2).build()).add(BatchNorm.builder().build()).add(classifier);
        return Network.of("tiny-bn", new Architecture(net, classifier), new Shape(1, 1, 2), 2, manager);
    }

    static NDArray parameter(Network net, String suffix) {
        return net.allParameters().entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).findFirst()
                .orElseThrow(() -> new AssertionError(suffix + " in " + net.allParameters().keySet())).getValue()
                .getArray();
    }

    @Test
    void continuousSparsificationAnnealsPerRound() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = tiny(manager);
            ContinuousSparsification cs = new ContinuousSparsification();
            // 3 rounds of 3 epochs of 1 step
            SoftMaskGates gates = (SoftMaskGates) cs.gates(context(net, manager, cs, Map.of(), 1, 1, 9));
            String w = hidden(net);
            NDArray weight = net.allParameters().get(w).getArray();
            // beta = 200^(e / 2) at epoch e of a round: 1, sqrt(200), 200, then 1 again
            assertEquals(1, gates.temperature(0), 1e-12);
            assertEquals(Math.sqrt(200), gates.temperature(1), 1e-9);
            assertEquals(200, gates.temperature(2), 1e-9);
            assertEquals(1, gates.temperature(3), 1e-12);
            // annealed per step: 200^(t / (T - 1)) at step t of a round of T steps
            SoftMaskGates perStep = (SoftMaskGates) cs.gates(context(net, manager, cs, Map.of("anneal", "step",
                    "rounds", 2), 1, 2, 4)); // 2 rounds of 2 epochs of 2 steps: T = 4
            assertEquals(1, perStep.temperature(0), 1e-12);
            assertEquals(Math.pow(200, 1.0 / 3), perStep.temperature(1), 1e-9);
            assertEquals(200, perStep.temperature(3), 1e-9);
            assertEquals(1, perStep.temperature(4), 1e-12);
            // at s = s0 = 0 the mask is sigmoid(0) / sigmoid(0) = 1: the weights as they are, the loss lambda * 4
            assertEquals(2, gates.scaling(), 1e-12);
            try (NDManager scope = manager.newSubManager()) {
                assertArrayEquals(values(weight), values(gates.weight(w, weight, scope, 0)), 1e-6f);
            }
            assertEquals(4e-8, lossAndGradient(gates, w, manager, 0)[0], 1e-12);
            // the masks take no weight decay (main.py's mask_optim); the optimizer is main.py's
            assertTrue(gates.parameters().stream().noneMatch(TrainableParameter::decayed));
            StrategyOptions defaults = new StrategyOptions(cs.name(), cs.parameterDefaults(), Map.of());
            assertEquals(new OptimizerSpec("sgd", 0.1, 0.9, true, 1e-4, 0, 0, 0), cs.learnOptimizer(defaults));
            assertEquals(new OptimizerSpec("sgd", 0.05, 0.9, true, 0, 0, 0, 0), cs.learnOptimizer(new StrategyOptions(
                    cs.name(), cs.parameterDefaults(), Map.of("learn_lr", 0.05, "weight_decay", 0.0))));
        }
    }

    @Test
    void continuousSparsificationClipsAtS0AndRewindsTheWholeNetworkForTheTicket() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = tinyWithBatchNorm(manager);
            ContinuousSparsification cs = new ContinuousSparsification();
            // 3 rounds of 3 epochs of 1 step, s0 = 0.5; the rewinding point is the start of epoch 2
            SoftMaskGates gates = (SoftMaskGates) cs.gates(context(net, manager, cs, Map.of("mask_init", 0.5), 1, 1,
                    9));
            String w = hidden(net);
            NDArray weight = net.allParameters().get(w).getArray();
            NDArray bias = net.layers().get(0).bias().getArray();
            NDArray mean = parameter(net, "runningMean");
            NDArray classifier = net.layers().get(1).weight().getArray();

            gates.afterStep(0, 9);
            weight.set(new float[] {9, 9, 9, 9});
            bias.set(new float[] {0.25f, -0.5f});
            mean.set(new float[] {0.125f, 2f});
            classifier.set(new float[] {1, 2, 3, 4});
            gates.afterStep(1, 9); // the network after 2 steps is the rewinding point
            weight.set(new float[] {7, 7, 7, 7});
            bias.set(new float[] {3, 3});
            mean.set(new float[] {-1, -1});
            classifier.set(new float[] {5, 5, 5, 5});
            setAux(gates, w, 0.75f, -0.5f, 0.5f, 0.001f);
            gates.afterStep(2, 9); // end of round 1, beta 200: main.py's temp = 1, then s <- min(1 * s, s0)
            assertArrayEquals(new float[] {0.5f, -0.5f, 0.5f, 0.001f}, values(gates.aux(w)), 0f);
            // main.py does not rewind between rounds
            assertArrayEquals(new float[] {7, 7, 7, 7}, values(weight), 0f);
            assertArrayEquals(new float[] {-1, -1}, values(mean), 0f);

            // the ticket: every tensor back at the rewinding point, the gated weights times 1 / sigmoid(0.5)
            gates.fold();
            float scaled = (float) (9 * (1 + Math.exp(-0.5)));
            assertArrayEquals(new float[] {scaled, scaled, scaled, scaled}, values(weight), 1e-5f);
            assertArrayEquals(new float[] {0.25f, -0.5f}, values(bias), 0f);
            assertArrayEquals(new float[] {0.125f, 2f}, values(mean), 0f);
            assertArrayEquals(new float[] {1, 2, 3, 4}, values(classifier), 0f);
            // the scores are s, not reset by the rewind
            assertArrayEquals(new float[] {0.5f, -0.5f, 0.5f, 0.001f}, values(gates.scores(manager).get(w)), 0f);
        }
    }

    @Test
    void continuousSparsificationRewindsBetweenRoundsWhenAsked() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = tinyWithBatchNorm(manager);
            ContinuousSparsification cs = new ContinuousSparsification();
            // rewind_epoch 0: the initialisation, captured when the gates are made
            SoftMaskGates gates = (SoftMaskGates) cs.gates(context(net, manager, cs, Map.of("rewind_rounds", true,
                    "rewind_epoch", 0), 1, 1, 9));
            NDArray bias = net.layers().get(0).bias().getArray();
            NDArray mean = parameter(net, "runningMean");
            NDArray variance = parameter(net, "runningVar");
            float[] bias0 = values(bias);
            float[] mean0 = values(mean);
            float[] variance0 = values(variance);
            bias.set(new float[] {3, 3});
            mean.set(new float[] {-1, -1});
            variance.set(new float[] {4, 4});
            gates.afterStep(1, 9); // mid-round: nothing rewound
            assertArrayEquals(new float[] {-1, -1}, values(mean), 0f);
            gates.afterStep(2, 9); // end of round 1
            assertArrayEquals(bias0, values(bias), 0f);
            assertArrayEquals(mean0, values(mean), 0f);
            assertArrayEquals(variance0, values(variance), 0f);
        }
    }

    @Test
    void everyLearnedStrategyHasItsPapersDefaults() {
        Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
        // the paper's form keys: per-weight gates, one lambda and drop rate for all layers, no L2 term by default
        expected.put("l0", Map.ofEntries(Map.entry("beta", 2.0 / 3.0), Map.entry("gamma", -0.1),
                Map.entry("zeta", 1.1), Map.entry("lambda", 1.0), Map.entry("droprate_init", 0.5),
                Map.entry(LearnedMask.LEARN_LR, 1e-3), Map.entry(LearnedMask.LEARN_EPOCHS, -1),
                Map.entry("groups", "weights"), Map.entry("lambdas", List.of()), Map.entry("droprate_inits", List.of()),
                Map.entry("weight_decay", 0.0)));
        // senya-ashukha/sparse_vd's notebook (LinearSVDO: clamp(-10, 10), the variance from sigma^2, no train clip)
        expected.put("variational_dropout", Map.ofEntries(Map.entry("log_sigma_init", -5.0),
                Map.entry("threshold", 3.0), Map.entry("kl_weight_start", 0.02), Map.entry("kl_warmup", 0.245),
                Map.entry("kl_weight_step", -1.0), Map.entry(LearnedMask.LEARN_LR, 1e-3),
                Map.entry(LearnedMask.LEARN_EPOCHS, -1), Map.entry("log_alpha_clip", 10.0),
                Map.entry("variance", "sigma"), Map.entry("train_clip", false)));
        // lolemacs/continuous-sparsification main.py's argparse: --mask-initial-value 0., --lmbda 1e-8,
        // --final-temp 200, --rounds 3, --rewind-epoch 2, --lr 0.1, --decay 0.0001
        expected.put("continuous_sparsification", Map.of("mask_init", 0.0, "lambda", 1e-8, "final_temp", 200.0,
                "rounds", 3, "rewind_epoch", 2, "anneal", "epoch", "weight_decay", 1e-4, "rewind_rounds", false,
                LearnedMask.LEARN_LR, 0.1, LearnedMask.LEARN_EPOCHS, -1));
        for (PruningStrategy s : List.of(new L0(), new VariationalDropout(), new ContinuousSparsification())) {
            assertEquals(expected.get(s.name()), s.parameterDefaults(), s.name());
        }
        assertEquals(1e-4, new Slimming().parameterDefaults().get("s"));
        assertEquals(1e-3, new GroupLasso().parameterDefaults().get("weight"));
    }
}
