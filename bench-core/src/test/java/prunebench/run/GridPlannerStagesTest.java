package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.config.StrategySpec;
import prunebench.config.PenaltySpec;
import prunebench.prune.GateContext;
import prunebench.prune.Gates;
import prunebench.prune.Gmp;
import prunebench.prune.LearnedMask;
import prunebench.prune.PenalizedStrategy;
import prunebench.prune.Imp;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.StrategyRegistry;
import prunebench.prune.Timing;
import prunebench.testing.Experiments;

/** Runs as plans: the stages of one-shot, at-init, iterative and control runs. */
class GridPlannerStagesTest {
    static final PruningStrategy MAGNITUDE = new PruningStrategy() {
        @Override
        public String name() {
            return "global_magnitude";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public Map<String, NDArray> score(PruningContext context) {
            throw new UnsupportedOperationException();
        }
    };

    /** A learned strategy: gates are never made here, only planned. */
    static final LearnedMask GATED = new LearnedMask() {
        @Override
        public String name() {
            return "gated";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public Map<String, Object> parameterDefaults() {
            return Map.of(LEARN_LR, 1e-3, LEARN_EPOCHS, -1);
        }

        @Override
        public Gates gates(GateContext context) {
            throw new UnsupportedOperationException();
        }
    };

    /** A penalised strategy, during pretraining ({@code pretraining: true}) or in a stage before the prune. */
    static PenalizedStrategy penalized(String name, boolean pretraining) {
        return new PenalizedStrategy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "test";
            }

            @Override
            public Map<String, Object> parameterDefaults() {
                return Map.of("s", 1e-4);
            }

            @Override
            public PenaltySpec penalty(prunebench.prune.StrategyOptions options) {
                return PenaltySpec.l1Bn(options.getDouble("s"));
            }

            @Override
            public boolean duringPretraining() {
                return pretraining;
            }

            @Override
            public Map<String, NDArray> score(PruningContext context) {
                throw new UnsupportedOperationException();
            }
        };
    }

    static final NetworkSize SIZE = new NetworkSize(100, 110);
    /** LeNet-300-100 with its classifier and biases left alone. */
    static final NetworkSize LENET300 = new NetworkSize(265_200, 266_610);
    final GridPlanner planner = new GridPlanner(new StrategyRegistry(List.of(MAGNITUDE, new Imp(), new Gmp(),
            new prunebench.testing.TestChannelScores(), GATED, penalized("slim", true), penalized("ssl", false))));

    @Test
    void aLearnedStrategyLearnsItsGatesThenPrunesThenFineTunes() {
        RunSpec run = runs(new StrategySpec("gated", "g", Map.of("learn_epochs", 5)), List.of(4.0)).get(0);
        GridPlanner.RunPlan plan = planner.stages(run, SIZE);
        assertEquals(List.of("Start", "Learn", "Prune", "Train"), kinds(plan));
        Stage.Learn learn = (Stage.Learn) plan.stages().get(1);
        assertEquals(5, learn.schedule().epochs());
        assertEquals("adam", learn.schedule().optimizer().name());
        assertEquals(1e-3, learn.schedule().optimizer().lr());
        assertEquals(1, ((Stage.Train) plan.stages().get(3)).schedule().epochs(), "then the fine-tuning");
        RunSpec defaults = runs(new StrategySpec("gated", "g", Map.of()), List.of(4.0)).get(0);
        assertEquals(1, ((Stage.Learn) planner.stages(defaults, SIZE).stages().get(1)).schedule().epochs(),
                "learn_epochs -1: the fine-tuning's epochs");
        RunSpec dense = runs(new StrategySpec("gated", "g", Map.of()), List.of(1.0)).get(0);
        assertEquals(List.of("Start", "Train"), kinds(planner.stages(dense, SIZE)));
    }

    @Test
    void aPenaltyDuringPretrainingIsPartOfTheDenseModelAndOneBeforeThePruneIsAStage() {
        List<RunSpec> slim = runs(new StrategySpec("slim", "slim", Map.of("s", 1e-5)), List.of(1.0, 4.0));
        assertEquals(null, slim.get(0).pretrain().penalty(), "the dense control is the plain dense model");
        assertEquals(PenaltySpec.l1Bn(1e-5), slim.get(1).pretrain().penalty());
        assertEquals(List.of("Start", "Prune", "Train"), kinds(planner.stages(slim.get(1), SIZE)));
        RunSpec plain = runs(new StrategySpec("global_magnitude", "m", Map.of()), List.of(4.0)).get(0);
        assertNotEquals(DenseCache.Key.of(plain).identity(), DenseCache.Key.of(slim.get(1)).identity());
        assertEquals(DenseCache.Key.of(plain).identity(), DenseCache.Key.of(slim.get(0)).identity());

        RunSpec ssl = runs(new StrategySpec("ssl", "ssl", Map.of()), List.of(4.0)).get(0);
        GridPlanner.RunPlan plan = planner.stages(ssl, SIZE);
        assertEquals(List.of("Start", "Train", "Prune", "Train"), kinds(plan));
        assertEquals(PenaltySpec.l1Bn(1e-4), ((Stage.Train) plan.stages().get(1)).schedule().penalty());
        assertEquals(null, ((Stage.Train) plan.stages().get(3)).schedule().penalty());
        assertEquals(null, ssl.pretrain().penalty());

        assertThrows(ConfigException.class, () -> runs(new StrategySpec("slim", "slim", Map.of("at", "init")),
                List.of(4.0)));
        assertThrows(ConfigException.class, () -> runs(new StrategySpec("gmp", "gmp", Map.of("score", "gated")),
                List.of(4.0)), "a learned strategy scores only after its own learning stage");
    }


    List<RunSpec> runs(StrategySpec s, List<Double> compressions) {
        return planner.plan(Experiments.tiny("lenet5", compressions, List.of(s), List.of(0L)));
    }

    static List<String> kinds(GridPlanner.RunPlan plan) {
        return plan.stages().stream().map(x -> x.getClass().getSimpleName()).toList();
    }

    @Test
    void oneShotIsStartPruneFinetune() {
        RunSpec run = runs(new StrategySpec("global_magnitude", "m", Map.of()), List.of(4.0)).get(0);
        assertEquals(List.of("Start", "Prune", "Train"), kinds(planner.stages(run, SIZE)));
        RunSpec init = runs(new StrategySpec("global_magnitude", "m", Map.of("at", "init", "control", "shuffle")),
                List.of(4.0)).get(0);
        GridPlanner.RunPlan plan = planner.stages(init, SIZE);
        assertEquals(List.of("Start", "Prune", "Shuffle", "Train"), kinds(plan));
        assertEquals(Timing.INIT, ((Stage.Start) plan.stages().get(0)).from());
        assertEquals(3, ((Stage.Train) plan.stages().get(3)).schedule().epochs(), "pretrain + finetune epochs");
    }

    @Test
    void impIsOneRunPerSeedWithALevelPerTwentyPercent() {
        List<RunSpec> runs = runs(new StrategySpec("imp", "lt", Map.of()), List.of(1.0, 2.0, 4.0));
        assertEquals(List.of(1.0, 4.0), runs.stream().map(RunSpec::compression).toList());
        // 4x of 110 parameters with 100 prunable: keep 17.5 -> 18 of 100, i.e. 8 levels of 20% (0.8^8 = 0.168).
        assertEquals(8, IterativePlan.levels(100, 110, 0.2, 4));
        assertEquals(19, IterativePlan.levels(265_200, 266_610, 0.2, 50), "LeNet-300-100 to 50x");
        GridPlanner.RunPlan plan = planner.stages(runs.get(1), SIZE);
        List<String> kinds = kinds(plan);
        assertEquals(List.of("Start", "Level", "Prune", "Rewind", "Train", "Level"), kinds.subList(0, 6));
        assertEquals(8, kinds.stream().filter("Prune"::equals).count());
        assertEquals(9, kinds.stream().filter("Level"::equals).count());
    }

    @Test
    void aControlBranchesOffTheTicketAtEveryLevel() {
        RunSpec run = runs(new StrategySpec("imp", "r", Map.of("control", "reinit", "rewind_to", 500)),
                List.of(4.0)).get(0);
        List<String> kinds = kinds(planner.stages(run, SIZE));
        assertEquals(List.of("Start", "Level", "Prune", "Stash", "Rewind", "Reinit", "Train", "Level", "Restore",
                "Rewind", "Train", "Prune"), kinds.subList(0, 12));
        assertEquals("Level", kinds.get(kinds.size() - 1), "the last level has no trajectory after it");
        assertEquals(7, kinds.stream().filter("Restore"::equals).count());
    }

    @Test
    void badIterativeParametersAreBadInput() {
        for (Map<String, Object> p : List.<Map<String, Object>>of(Map.of("rate", 1.5), Map.of("retrain", "x"),
                Map.of("control", "invert"), Map.of("score", "imp"), Map.of("rewind_to", "soon"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> {
                RunSpec run = runs(new StrategySpec("imp", "x", p), List.of(4.0)).get(0);
                planner.stages(run, SIZE);
            }, p.toString());
            assertTrue(e.getMessage().contains("strategy 'x'") || e.getMessage().contains("rewind_to"),
                    e.getMessage());
        }
    }

    @Test
    void gradualPruningIsOneTrainingStageThatPrunesOnTheCubicSchedule() {
        RunSpec run = runs(new StrategySpec("gmp", "g", Map.of()), List.of(4.0)).get(0);
        GridPlanner.RunPlan plan = planner.stages(run, SIZE);
        assertEquals(List.of("Start", "Train"), kinds(plan));
        assertTrue(((Stage.Train) plan.stages().get(1)).updates() != null);
        // 1000 steps, start 0.1, end 0.75, every 100: prunes at 100, 200, ..., 700 and at 750.
        long prunable = 10_000;
        long keep = 1_000;
        assertEquals(-1, Gmp.keptAfter(99, 1000, prunable, keep, 0.1, 0.75, 100));
        assertEquals(prunable, Gmp.keptAfter(100, 1000, prunable, keep, 0.1, 0.75, 100), "s_i = 0 at t_0");
        assertEquals(-1, Gmp.keptAfter(150, 1000, prunable, keep, 0.1, 0.75, 100));
        // s_t = 0.9 (1 - (1 - 100/650)^3) at step 200.
        assertEquals(Math.round(prunable * (1 - 0.9 * (1 - Math.pow(1 - 100.0 / 650, 3)))),
                Gmp.keptAfter(200, 1000, prunable, keep, 0.1, 0.75, 100));
        assertEquals(keep, Gmp.keptAfter(750, 1000, prunable, keep, 0.1, 0.75, 100), "the target at t_end");
        assertEquals(-1, Gmp.keptAfter(800, 1000, prunable, keep, 0.1, 0.75, 100));
    }

    @Test
    void gmpPrunesEveryLayerToTheSameSparsityUnlessTheExperimentSaysOtherwise() {
        java.util.function.Function<Map<String, Object>, prunebench.prune.Distribution> planned =
                p -> runs(new StrategySpec("gmp", "g", p), List.of(4.0)).get(0).distribution();
        assertEquals(prunebench.prune.Distribution.UNIFORM, planned.apply(Map.of()), "Zhu & Gupta, Gale et al.");
        assertEquals(prunebench.prune.Distribution.GLOBAL, planned.apply(Map.of("distribution", "global")));
        assertEquals(prunebench.prune.Distribution.GLOBAL, planned.apply(Map.of("scope", "global")));
        assertEquals(prunebench.prune.Distribution.ERK, planned.apply(Map.of("distribution", "erk")));
        assertEquals(prunebench.prune.Distribution.GLOBAL, planned.apply(Map.of("score", "test_channels")),
                "a channel score keeps its own default");
        assertEquals(prunebench.prune.Distribution.GLOBAL,
                runs(new StrategySpec("imp", "i", Map.of()), List.of(4.0)).get(0).distribution(), "imp unchanged");
        RunSpec uniform = runs(new StrategySpec("gmp", "g", Map.of()), List.of(4.0)).get(0);
        RunSpec global = runs(new StrategySpec("gmp", "g", Map.of("distribution", "global")), List.of(4.0)).get(0);
        assertNotEquals(uniform.runId(), global.runId(), "a stored run of the old default is not taken for a new one");
        assertTrue(runs(new StrategySpec("gmp", "g", Map.of("dense_first_layer", true)), List.of(4.0)).get(0)
                .denseFirstLayer());
    }

    @Test
    void gradualFilterPruningIsAChannelRunWhoseTrainingStagePrunesChannelsOnTheCubicSchedule() {
        RunSpec run = runs(new StrategySpec("gmp", "g", Map.of("score", "test_channels")), List.of(4.0)).get(0);
        GridPlanner.RunPlan plan = planner.stages(run, SIZE);
        assertEquals(GridPlanner.Granularity.CHANNELS, plan.granularity(), "the end of the run rebuilds the network");
        assertEquals(List.of("Start", "Train"), kinds(plan));
        assertTrue(((Stage.Train) plan.stages().get(1)).updates() != null, "a gradual pruner");
        RunSpec dense = runs(new StrategySpec("gmp", "g", Map.of("score", "test_channels")), List.of(1.0)).get(0);
        assertEquals(GridPlanner.Granularity.CHANNELS, planner.stages(dense, SIZE).granularity());
        RunSpec weights = runs(new StrategySpec("gmp", "g", Map.of()), List.of(4.0)).get(0);
        assertEquals(GridPlanner.Granularity.WEIGHTS, planner.stages(weights, SIZE).granularity());
        // the same schedule as a fraction of the final sparsity: 0 at t_0, the cubic in between, 1 at t_end
        assertEquals(-1, Gmp.fractionAfter(99, 1000, 0.1, 0.75, 100));
        assertEquals(0, Gmp.fractionAfter(100, 1000, 0.1, 0.75, 100));
        assertEquals(-1, Gmp.fractionAfter(150, 1000, 0.1, 0.75, 100));
        assertEquals(1 - Math.pow(1 - 100.0 / 650, 3), Gmp.fractionAfter(200, 1000, 0.1, 0.75, 100), 1e-12);
        assertEquals(1, Gmp.fractionAfter(750, 1000, 0.1, 0.75, 100));
        assertEquals(-1, Gmp.fractionAfter(800, 1000, 0.1, 0.75, 100));
    }

    @Test
    void scratchPrunesThenTrainsFreshWeightsWithTheDenseSchedule() {
        RunSpec e = runs(new StrategySpec("global_magnitude", "e", Map.of("retrain", "scratch")), List.of(4.0)).get(0);
        GridPlanner.RunPlan plan = planner.stages(e, SIZE);
        assertEquals(List.of("Start", "Prune", "Reinit", "Train"), kinds(plan));
        assertEquals(Timing.PRETRAINED, ((Stage.Start) plan.stages().get(0)).from());
        assertTrue(((Stage.Reinit) plan.stages().get(2)).seed() != e.seed(), "a fresh initialisation");
        Stage.Train train = (Stage.Train) plan.stages().get(3);
        assertEquals(e.pretrain(), train.schedule(), "the dense training's optimizer, schedule and epochs");
        assertTrue(!train.atDenseCost());
        assertEquals("pretrained, retrains 2 epochs from scratch (Scratch-E)", outline(e));
        RunSpec b = runs(new StrategySpec("test_channels", "b", Map.of("retrain", "scratch", "scratch_budget",
                "flops")), List.of(4.0)).get(0);
        GridPlanner.RunPlan planB = planner.stages(b, SIZE);
        assertEquals(GridPlanner.Granularity.CHANNELS, planB.granularity());
        assertTrue(((Stage.Train) planB.stages().get(3)).atDenseCost());
        assertTrue(outline(b).contains("Scratch-B"), outline(b));
    }

    @Test
    void scratchCombinationsThatCannotRunAreBadInput() {
        Map<Map<String, Object>, String> bad = Map.of(
                Map.of("name", "gmp", "retrain", "scratch"), "there is no pruned network to start from",
                Map.of("name", "global_magnitude", "retrain", "scratch", "at", "init"), "with at: init",
                Map.of("name", "global_magnitude", "scratch_budget", "flops"), "applies to retrain: scratch only",
                Map.of("name", "global_magnitude", "retrain", "scratch", "scratch_budget", "time"),
                "must be epochs (Scratch-E) or flops (Scratch-B)",
                Map.of("name", "global_magnitude", "retrain", "rewind"), "retrain must be finetune or scratch",
                Map.of("name", "imp", "scratch_budget", "flops"), "which imp does not take",
                Map.of("name", "imp", "score", "test_channels"),
                "imp with score 'test_channels' would remove channels iteratively",
                Map.of("name", "gmp", "score", "test_channels", "distribution", "erk"),
                "gmp with score 'test_channels' removes channels: distribution global or uniform");
        bad.forEach((p, message) -> {
            Map<String, Object> params = new java.util.HashMap<>(p);
            String name = (String) params.remove("name");
            ConfigException e = assertThrows(ConfigException.class,
                    () -> runs(new StrategySpec(name, "x", params), List.of(4.0)), p.toString());
            assertTrue(e.getMessage().startsWith("strategy 'x': ") && e.getMessage().contains(message),
                    e.getMessage());
        });
    }

    @Test
    void layerDensitiesArePlannedWithTheirMapAndBadCombinationsAreBadInput() {
        Map<String, Object> han = Map.of("fc1", 0.08, "fc2", 0.09, "fc3", 0.26);
        RunSpec imp = runs(new StrategySpec("imp", "h", Map.of("distribution", "layer_densities",
                "layer_densities", han)), List.of(12.0)).get(0);
        assertEquals(prunebench.prune.Distribution.LAYER_DENSITIES, imp.distribution());
        RunSpec other = runs(new StrategySpec("imp", "h", Map.of("distribution", "layer_densities",
                "layer_densities", Map.of("fc1", 0.08, "fc2", 0.09, "fc3", 0.3))), List.of(12.0)).get(0);
        assertNotEquals(imp.runId(), other.runId(), "the densities are part of the run's identity");
        Map<Map<String, Object>, String> bad = Map.of(
                Map.of("name", "imp", "distribution", "layer_densities"),
                "distribution layer_densities needs layer_densities",
                Map.of("name", "imp", "layer_densities", han),
                "layer_densities applies with distribution: layer_densities, got distribution global",
                Map.of("name", "imp", "distribution", "layer_densities", "layer_densities", Map.of("fc1", 0)),
                "layer_densities.fc1: must be a density (fraction of weights kept) in (0, 1], got 0",
                Map.of("name", "global_magnitude", "distribution", "layer_densities", "layer_densities",
                        Map.of("fc1", 1.2)), "layer_densities.fc1: must be a density",
                Map.of("name", "gmp", "distribution", "layer_densities", "layer_densities", han),
                "not supported by gmp",
                Map.of("name", "test_channels", "distribution", "layer_densities", "layer_densities", han),
                "'test_channels' removes channels");
        bad.forEach((p, message) -> {
            Map<String, Object> params = new java.util.HashMap<>(p);
            String name = (String) params.remove("name");
            ConfigException e = assertThrows(ConfigException.class,
                    () -> runs(new StrategySpec(name, "x", params), List.of(12.0)), p.toString());
            assertTrue(e.getMessage().startsWith("strategy 'x': ") && e.getMessage().contains(message),
                    e.getMessage());
        });
    }

    @Test
    void theBudgetScalesRetrainEpochsAndTheOutlineCountsLevels() {
        StrategySpec imp = new StrategySpec("imp", "lt", Map.of("retrain_epochs", 10));
        prunebench.config.ExperimentSpec whole = Experiments.tiny("lenet5", List.of(50.0), List.of(imp),
                List.of(0L));
        prunebench.config.ExperimentSpec half = new prunebench.config.ExperimentSpec(whole.name(), whole.model(),
                whole.dataset(), whole.seeds(), whole.device(), whole.threads(), whole.workers(), whole.pretrain(),
                whole.finetune(), whole.pruning(), whole.report(), true, 0.5);
        RunSpec full = planner.plan(whole).get(0);
        RunSpec scaled = planner.plan(half).get(0);
        assertEquals(List.of(10), trainEpochs(planner.stages(full, LENET300)).stream().distinct().toList());
        assertEquals(List.of(5), trainEpochs(planner.stages(scaled, LENET300)).stream().distinct().toList());
        // pretrain 2 epochs x 0.5 = 1 epoch either way: the budget itself tells the two runs apart
        assertTrue(!full.runId().equals(scaled.runId()));
        assertEquals("pretrained, 19 levels of 20%, retrains 10 epochs each (190 epochs)",
                RunOutline.of(full, registry(), LENET300).describe());
        assertEquals("pretrained, 19 levels of 20%, retrains 5 epochs each (95 epochs)",
                RunOutline.of(scaled, registry(), LENET300).describe());
        assertEquals("pretrained, levels of 20% to 50x, retrains 10 epochs each", outline(full));
        RunSpec shuffle = runs(new StrategySpec("imp", "s", Map.of("control", "shuffle")), List.of(50.0)).get(0);
        assertEquals("pretrained, 19 levels of 20%, retrains 2 epochs each (38 epochs, and 36 for the ticket's own "
                + "levels)", RunOutline.of(shuffle, registry(), LENET300).describe());
        RunSpec gmp = runs(new StrategySpec("gmp", "g", Map.of("every", 50)), List.of(4.0)).get(0);
        assertEquals("pretrained, fine-tunes 1 epoch, pruning every 50 steps from 10% to 75% of them (cubic "
                + "schedule)", outline(gmp));
    }

    @Test
    void aRunWhosePretrainingHasNoEpochsSaysItStartsFromItsInitialisation() {
        // sparse VD's paper file learns from scratch: timing pretrained, pretraining 0 epochs
        prunebench.config.ExperimentSpec whole = Experiments.tiny("lenet5", List.of(4.0),
                List.of(new StrategySpec("global_magnitude", "m", Map.of())),
                List.of(0L));
        prunebench.config.ExperimentSpec none = new prunebench.config.ExperimentSpec(whole.name(), whole.model(),
                whole.dataset(), whole.seeds(), whole.device(), whole.threads(), whole.workers(),
                whole.pretrain().withEpochs(0), whole.finetune(), whole.pruning(), whole.report(), true, 1.0);
        RunSpec run = planner.plan(none).get(0);
        assertEquals("from its initialisation (0 pretraining epochs), fine-tunes 1 epoch", outline(run));
        assertEquals("pretrained", RunOutline.of(run, registry()).timing(), "the runs.csv value is unchanged");
        assertEquals("pretrained, fine-tunes 1 epoch", outline(planner.plan(whole).get(0)));
    }

    StrategyRegistry registry() {
        return new StrategyRegistry(List.of(MAGNITUDE, new Imp(), new Gmp(), new prunebench.testing.TestChannelScores()));
    }

    String outline(RunSpec run) {
        return RunOutline.of(run, registry()).describe();
    }

    static List<Integer> trainEpochs(GridPlanner.RunPlan plan) {
        return plan.stages().stream().filter(Stage.Train.class::isInstance)
                .map(t -> ((Stage.Train) t).schedule().epochs()).toList();
    }
}
