package prunebench.strategies.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import prunebench.model.ChannelGroup;
import prunebench.model.ChannelStructure;
import prunebench.model.LeNet5;
import prunebench.model.Network;
import prunebench.config.ConfigException;
import prunebench.prune.StrategyOptions;

/** AMC's formulas on hand-worked values: state normalisation, action wall, channel rounding, DDPG target, updates. */
class AmcTest {
    private static final double EPS = 1e-12;

    @Test
    void stateColumnsAreMinMaxNormalisedOverTheLayersAndConstantColumnsStayRaw() {
        double[][] layers = {
            {0, 0, 6, 16, 1, 5, 2400},
            {1, 1, 400, 120, 0, 1, 48000},
            {2, 1, 120, 84, 0, 1, 10080},
        };
        double[][] e = AmcSearch.staticEmbedding(layers);
        assertArrayEquals(new double[] {0, 0, 0, 0, 1, 1, 0, 0, 0, 1}, e[0], EPS);
        // in: (120 - 6) / (400 - 6); out: (84 - 16) / (120 - 16); weights: (10080 - 2400) / (48000 - 2400)
        assertArrayEquals(new double[] {0.5, 1, 1, 1, 0, 0, 1, 0, 0, 1}, e[1], EPS);
        assertArrayEquals(new double[] {1, 1, 114.0 / 394, 68.0 / 104, 0, 0, 7680.0 / 45600, 0, 0, 1}, e[2], EPS);
        // a column with max = min (all strides 1, both layers conv) is left as it is, not set to 0
        double[][] same = AmcSearch.staticEmbedding(new double[][] {{0, 0, 3, 8, 1, 3, 216}, {1, 0, 8, 8, 1, 3, 576}});
        assertArrayEquals(new double[] {1, 0, 1, 8, 1, 3, 1, 0, 0, 1}, same[1], EPS);
    }

    /** A chain: L0 writes g0 (100), L1 g0 -> g1 (200), L2 g1 -> g2 (300), L3 reads g2 (50); dense 650. */
    private static Cost chain() {
        return new Cost.Builder().term(100, -1, 0).term(200, 0, 1).term(300, 1, 2).term(50, 2, -1).build();
    }

    @Test
    void theWallClampsEachActionSoThatTheBudgetStaysReachableWithLaterLayersAtLbound() {
        Cost cost = chain();
        assertEquals(650, cost.dense(3), EPS);
        double budget = 325; // half the FLOPs
        // step 0, later groups at 0.2: other = 300 x 0.04 + 50 x 0.2 = 22, this = 100 + 200 x 0.2 = 140
        assertEquals(303.0 / 140, cost.maxFraction(0, new double[] {0.2, 0.2, 0.2}, budget), EPS);
        assertEquals(0.9, AmcSearch.wall(0.9, 0, new double[] {0.2, 0.2, 0.2}, cost, budget, 0.2), EPS);
        // step 1 after r0 = 0.9: other = 90 + 10 = 100, this = 180 + 60 = 240 -> 225 / 240
        double[] r = {0.9, 0.2, 0.2};
        assertEquals(0.9375, AmcSearch.wall(1.0, 1, r, cost, budget, 0.2), EPS);
        assertEquals(0.5, AmcSearch.wall(0.5, 1, r, cost, budget, 0.2), EPS);
        // step 2 after r1 = 0.9: other = 90 + 162 = 252, this = 270 + 50 = 320 -> 73 / 320
        r = new double[] {0.9, 0.9, 0.2};
        assertEquals(73.0 / 320, AmcSearch.wall(0.7, 2, r, cost, budget, 0.2), EPS);
        assertEquals(0.2, AmcSearch.wall(0.1, 2, r, cost, budget, 0.2), EPS); // raised to lbound
        assertEquals(0.2, AmcSearch.wall(-3, 2, r, cost, budget, 0.2), EPS); // clipped to 0 first, then lbound
        // out of reach (r0 = r1 = 1: 300 + 350 r2 > 325 at r2 > 0.0714): lbound wins over the wall
        assertEquals(0.2, AmcSearch.wall(0.9, 2, new double[] {1, 1, 0.2}, cost, budget, 0.2), EPS);
    }

    @Test
    void channelCountsRoundHalfToEvenThenUpToTheChannelRound() {
        assertEquals(2, AmcSearch.channelsKept(0.25, 6, 1, 1)); // 1.5 -> 2
        assertEquals(2, AmcSearch.channelsKept(2.5 / 6, 6, 1, 1)); // 2.5 -> 2 (numpy's around)
        assertEquals(1, AmcSearch.channelsKept(0.01, 6, 1, 1)); // at least one
        assertEquals(3, AmcSearch.channelsKept(0.01, 6, 1, 3)); // min_channels
        assertEquals(8, AmcSearch.channelsKept(0.3, 16, 8, 1)); // 4.8 -> 5 -> 8
        assertEquals(16, AmcSearch.channelsKept(0.95, 20, 8, 1)); // 19 -> 24 > 20 -> floor(20 / 8) x 8
    }

    @Test
    void pruningCostOfTheChainCountsBothSidesOfEachLayer() {
        // 100 x 0.5 + 200 x 0.5 x 0.25 + 300 x 0.25 x 1 + 50 x 1 = 50 + 25 + 75 + 50
        assertEquals(200, chain().at(new double[] {0.5, 0.25, 1}), EPS);
    }

    /**
     * One hidden unit per layer: mu(s) = sigmoid(0) = 0.5 for every s; Q(s, a) = 3 relu(2 s + 4 a) + 1, so
     * Q'(1, mu'(1)) = 3 x (2 + 2) + 1 = 13.
     */
    private static Ddpg tiny(double discount) {
        Dense a1 = new Dense(1, 1);
        a1.w[0] = 1;
        Dense a2 = new Dense(1, 1);
        a2.w[0] = 1;
        Dense a3 = new Dense(1, 1);
        Dense c11 = new Dense(1, 1);
        c11.w[0] = 2;
        Dense c12 = new Dense(1, 1);
        c12.w[0] = 4;
        Dense c2 = new Dense(1, 1);
        c2.w[0] = 1;
        Dense c3 = new Dense(1, 1);
        c3.w[0] = 3;
        c3.b[0] = 1;
        return new Ddpg(new Ddpg.Settings(1, 1, 1, 1e-4, 1e-3, 0.01, discount), new Dense[] {a1, a2, a3},
                new Dense[] {c11, c12, c2, c3});
    }

    private static final List<Ddpg.Transition> BATCH = List.of(
            new Ddpg.Transition(new double[] {0}, 0.5, 1.0, new double[] {1}, false),
            new Ddpg.Transition(new double[] {0}, 0.2, 0.5, new double[] {1}, true));

    @Test
    void criticTargetIsRewardPlusDiscountedTargetQOfTheTargetActorsActionAndZeroAfterTheLastStep() {
        Ddpg agent = tiny(0.9);
        assertEquals(0.5, agent.act(new double[] {7}), EPS);
        double[] y = agent.targets(BATCH, new double[] {0.25, -0.25});
        assertEquals(0.25 + 0.9 * 13, y[0], EPS);
        assertEquals(-0.25, y[1], EPS); // terminal: no bootstrap
    }

    @Test
    void oneUpdateNormalisesRewardsByTheMovingAverageStepsTheCriticTowardYAndSoftUpdatesTheTargets() {
        Ddpg agent = tiny(0.9);
        agent.update(BATCH);
        assertEquals(0.75, agent.movingAverage(), EPS); // the first batch's mean reward
        // y = (0.25 + 11.7, -0.25); Q = (3 x 2 + 1, 3 x 0.8 + 1) = (7, 3.4); dL/db3 = (2 / 2)(-4.95 + 3.65) < 0:
        // Adam's first step moves b3 by +lr (1e-3) up to eps
        assertEquals(1.001, agent.critic[3].b[0], 1e-9);
        // target: 1 x (1 - 0.01) + 1.001 x 0.01
        assertEquals(1.00001, agent.criticTarget[3].b[0], 1e-9);
        agent.update(List.of(
                new Ddpg.Transition(new double[] {0}, 0.5, 0.0, new double[] {1}, true),
                new Ddpg.Transition(new double[] {0}, 0.5, 0.5, new double[] {1}, true)));
        assertEquals(0.75 + 0.5 * (0.25 - 0.75), agent.movingAverage(), EPS);
    }

    @Test
    void softUpdateMovesTheTargetByTau() {
        Dense target = new Dense(1, 1);
        target.w[0] = 1;
        target.b[0] = -2;
        Dense source = new Dense(1, 1);
        source.w[0] = 3;
        source.b[0] = 2;
        target.softUpdateFrom(source, 0.25);
        assertEquals(1.5, target.w[0], EPS);
        assertEquals(-1, target.b[0], EPS);
    }

    @Test
    void criticGradientWithRespectToTheActionIsThatOfTheHandWrittenCritic() {
        Ddpg agent = tiny(1);
        Ddpg.CriticPass p = Ddpg.criticForward(agent.critic, new double[][] {{0.5}}, new double[][] {{0.25}});
        assertEquals(3 * 2 + 1, p.out()[0][0], EPS);
        double[][] da = Ddpg.criticBackward(agent.critic, p, new double[][] {{1}});
        assertEquals(3 * 4, da[0][0], EPS); // dQ/da = fc3.w x fc2.w x fc12.w where the relus pass
        assertEquals(3 * 1 * 0.5, agent.critic[0].gw[0], EPS); // dQ/dw11 = fc3.w x fc2.w x s
    }

    @Test
    void actorBackwardAgreesWithFiniteDifferences() {
        Random random = new Random(3);
        Dense[] actor = {new Dense(3, 5, random), new Dense(5, 4, random), new Dense(4, 1, random)};
        double[][] s = {{0.3, -0.2, 0.9}, {1.0, 0.5, -0.4}};
        Ddpg.ActorPass p = Ddpg.actorForward(actor, s);
        Ddpg.actorBackward(actor, p, new double[][] {{1}, {1}});
        for (int i = 0; i < actor[0].w.length; i++) {
            double keep = actor[0].w[i];
            actor[0].w[i] = keep + 1e-6;
            double up = sum(Ddpg.actorForward(actor, s).out());
            actor[0].w[i] = keep - 1e-6;
            double down = sum(Ddpg.actorForward(actor, s).out());
            actor[0].w[i] = keep;
            assertEquals((up - down) / 2e-6, actor[0].gw[i], 1e-7, "w" + i);
        }
    }

    private static double sum(double[][] x) {
        double s = 0;
        for (double[] r : x) {
            s += r[0];
        }
        return s;
    }

    @Test
    void replaySamplesDistinctTransitionsOnceItHoldsABatchAndKeepsOnlyTheLast() {
        ReplayBuffer memory = new ReplayBuffer(5);
        for (int i = 0; i < 7; i++) {
            memory.add(new Ddpg.Transition(new double[] {i}, 0, 0, new double[] {i}, false));
        }
        assertEquals(5, memory.size());
        assertEquals(2, memory.get(0).s()[0], EPS); // 0 and 1 were overwritten
        Set<Double> seen = new HashSet<>();
        for (Ddpg.Transition t : memory.sample(5, new Random(1))) {
            seen.add(t.s()[0]);
        }
        assertEquals(Set.of(2.0, 3.0, 4.0, 5.0, 6.0), seen);
    }

    @Test
    void truncatedNormalStaysInTheUnitInterval() {
        Random random = new Random(5);
        double mean = 0;
        for (int i = 0; i < 20000; i++) {
            double x = AmcSearch.truncatedNormal(0.95, 0.5, random);
            assertTrue(x >= 0 && x <= 1);
            mean += x / 20000;
        }
        // the truncated normal N(0.95, 0.5) on [0, 1] has mean 0.95 + 0.5 (phi(-1.9) - phi(0.1)) / (Phi(0.1) - Phi(-1.9))
        // = 0.95 + 0.5 (0.065616 - 0.396953) / (0.539828 - 0.028717) = 0.62588
        assertEquals(0.6259, mean, 0.005);
    }

    @Test
    void searchMeetsTheBudgetAndIsReproducibleFromTheSeed() {
        AmcSearch.Settings settings = new AmcSearch.Settings(30, 5, 0.2, 0.5, 0.95, 8, 10, 1, AmcSearch.Reward.ACC,
                new Ddpg.Settings(AmcSearch.STATE, 16, 16, 1e-4, 1e-3, 0.01, 1.0));
        double[][] layers = {{0, 0, 1, 10, 1, 3, 90}, {1, 0, 10, 10, 1, 3, 900}, {2, 1, 10, 5, 0, 1, 50}};
        Cost cost = chain();
        double[] rest = {350.0 / 650, 50.0 / 650, 0};
        // a made-up "accuracy" that prefers keeping group 1: the search should put the budget there
        java.util.function.ToDoubleFunction<int[]> acc = k -> (0.2 * k[0] + 0.6 * k[1] + 0.2 * k[2]) / 10;
        AmcSearch.Result a = new AmcSearch(settings, layers, new int[] {10, 10, 10}, new int[] {1, 1, 1}, cost, 325,
                cost, rest).run(acc, new Random(11));
        AmcSearch.Result b = new AmcSearch(settings, layers, new int[] {10, 10, 10}, new int[] {1, 1, 1}, cost, 325,
                cost, rest).run(acc, new Random(11));
        assertArrayEquals(a.kept(), b.kept());
        assertArrayEquals(a.rewards(), b.rewards(), 0.0);
        // the wall bounds the fractions; rounding to whole channels (half a channel of 10 at most per group, as the
        // code rounds) may pass the budget by a little, which the pruner then removes
        double[] up = new double[3];
        for (int g = 0; g < 3; g++) {
            up[g] = Math.min(1, a.kept()[g] / 10.0);
        }
        assertEquals(a.cost(), cost.at(up), EPS);
        assertTrue(a.cost() <= 325 * 1.05, "cost " + a.cost());
        assertTrue(a.cost() >= 0.8 * 325, "the best policy should use most of the budget: " + a.cost());
        assertEquals(30, a.rewards().length);
        AmcSearch.Result c = new AmcSearch(settings, layers, new int[] {10, 10, 10}, new int[] {1, 1, 1}, cost, 325,
                cost, rest).run(acc, new Random(12));
        assertNotEquals(java.util.Arrays.toString(a.rewards()), java.util.Arrays.toString(c.rewards()));
    }

    @Test
    void leNet5CostsFeaturesAndImportanceAreTheNetworksOwn() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, m, 0);
            List<ChannelGroup> groups = ChannelStructure.of(net);
            assertEquals(4, groups.size()); // conv1, conv2, fc1, fc2 outputs
            double[] half = {0.5, 0.5, 0.5, 0.5};
            // multiply-adds 117,600 + 240,000 + 48,000 + 10,080 + 840 = 416,520; at half of every group:
            // 58,800 + 60,000 + 12,000 + 2,520 + 420
            Cost flops = Cost.of(net, groups, false);
            assertEquals(416_520, flops.dense(4), 1e-6);
            assertEquals(133_740, flops.at(half), 1e-6);
            // parameters 61,706; at half: 75 + 3 + 600 + 8 + 12,000 + 60 + 2,520 + 42 + 420 + 10 (the classes' bias)
            Cost params = Cost.of(net, groups, true);
            assertEquals(61_706, params.dense(4), 1e-6);
            assertEquals(15_738, params.at(half), 1e-6);
            // the layer reading each group: conv2 (5x5, stride 1), fc1, fc2, fc3
            assertArrayEquals(new double[] {0, 0, 6, 16, 1, 5, 2400},
                    LayerFeatures.of(0, groups.get(0).consumers().get(0).layer(), net.block()), EPS);
            assertArrayEquals(new double[] {1, 1, 400, 120, 0, 1, 48000},
                    LayerFeatures.of(1, groups.get(1).consumers().get(0).layer(), net.block()), EPS);
            assertArrayEquals(new double[] {3, 1, 84, 10, 0, 1, 840},
                    LayerFeatures.of(3, groups.get(3).consumers().get(0).layer(), net.block()), EPS);
            // importance: sum of |w| over the reading layer's inputs of the channel; fc1 reads conv2's 16 channels
            // as 16 x 5 x 5 inputs, so its columns 26 and 49 are both channel 1
            float[] fc1 = new float[120 * 400];
            fc1[3 * 400 + 26] = 1;
            fc1[7 * 400 + 49] = -1.5f;
            groups.get(1).consumers().get(0).layer().weight().getArray().set(fc1);
            float[] imp = ChannelImportance.importance(groups.get(1));
            assertEquals(2.5f, imp[1], 1e-6f);
            assertEquals(0f, imp[0], 0f);
            assertEquals(0f, imp[2], 0f);
            assertArrayEquals(new int[] {1, 0, 2}, java.util.Arrays.copyOf(ChannelImportance.descending(imp), 3));
        }
    }

    @Test
    void keysDefaultToTheCodesAndRefuseWhatAmcCannotRun() {
        Amc amc = new Amc();
        StrategyOptions d = new StrategyOptions("amc", amc.parameterDefaults(), java.util.Map.of());
        amc.validate(d);
        assertEquals("speedup", d.getString("target")); // the paper's FLOPs constraint
        AmcSearch.Settings s = AmcOptions.settings(d);
        assertEquals(800, s.episodes());
        assertEquals(100, s.warmup());
        assertEquals(0.2, s.lbound(), 0);
        assertEquals(64, s.batch());
        assertEquals(new Ddpg.Settings(10, 300, 300, 1e-4, 1e-3, 0.01, 1.0), s.agent());
        for (java.util.Map<String, Object> bad : List.<java.util.Map<String, Object>>of(
                java.util.Map.of("scope", "layer"), java.util.Map.of("iterations", 2),
                java.util.Map.of("control", "invert"), java.util.Map.of("reward", "flops"),
                java.util.Map.of("lbound", 1.5), java.util.Map.of("tau", 2.0), java.util.Map.of("episodes", 0))) {
            assertThrows(ConfigException.class,
                    () -> amc.validate(new StrategyOptions("amc", amc.parameterDefaults(), bad)), bad.toString());
        }
    }
}
