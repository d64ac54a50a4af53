package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.config.StrategySpec;
import prunebench.data.DatasetRegistry;
import prunebench.model.Complexity;
import prunebench.model.LeNet5;
import prunebench.model.ModelRegistry;
import prunebench.prune.Imp;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyRegistry;
import prunebench.testing.Experiments;
import prunebench.testing.SyntheticData;
import prunebench.testing.SyntheticProvider;
import prunebench.testing.TestMagnitude;

/**
 * Issue 28's cases that used to end as an "ok" row: a rewinding point beyond pretraining, non-finite scores from a
 * plug-in, a network far from its compression target.
 */
class NothingSilentlyWrongTest {
    @TempDir
    Path tmp;

    /** |w| scores with every other entry (or every entry) NaN: what a broken plug-in returns. */
    static PruningStrategy nanScores(String name, boolean half) {
        return new PruningStrategy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "NaN scores";
            }

            @Override
            public Map<String, NDArray> score(PruningContext c) {
                Map<String, NDArray> out = new LinkedHashMap<>();
                for (PruningTarget t : c.targets()) {
                    float[] w = t.array().toType(ai.djl.ndarray.types.DataType.FLOAT32, true).toFloatArray();
                    for (int i = 0; i < w.length; i++) {
                        w[i] = !half || i % 2 == 0 ? Float.NaN : Math.abs(w[i]);
                    }
                    out.put(t.name(), c.manager().create(w, t.array().getShape()));
                }
                return out;
            }
        };
    }

    ExperimentRunner runner(ByteArrayOutputStream log, PruningStrategy... extra) {
        List<PruningStrategy> strategies = new java.util.ArrayList<>(List.of(new TestMagnitude(), new Imp()));
        strategies.addAll(List.of(extra));
        // 512 training images in batches of 32: 16 steps an epoch, 2 epochs of pretraining = 32 steps
        return new ExperimentRunner(new ModelRegistry(List.of(new LeNet5())),
                new DatasetRegistry(List.of(new SyntheticProvider(SyntheticData.create(512, 128, 1, 28, 10, 7))),
                        Map.of()), new StrategyRegistry(strategies), new PrintStream(log, true));
    }

    private static ExperimentSpec lottery(Object rewindTo) {
        return Experiments.tiny("lenet5", List.of(1.0, 8.0), List.of(new StrategySpec("imp", "lottery",
                Map.of("score", "magnitude", "rate", 0.5, "retrain", "rewind_weights", "rewind_to", rewindTo))),
                List.of(0L));
    }

    private String refusal(Object rewindTo) {
        ExperimentRunner r = runner(new ByteArrayOutputStream());
        return assertThrows(ConfigException.class, () -> r.preview(lottery(rewindTo), tmp)).getMessage();
    }

    @Test
    void aRewindingPointBeyondPretrainingIsRefusedBeforeAnythingTrains() {
        String iterations = refusal(100000);
        assertTrue(iterations.contains("strategy 'lottery': rewind_to: 100000 (iterations) is beyond the end of "
                + "pretraining, 2 epochs x 16 steps (512 training images in batches of 32) = 32 steps"), iterations);
        String epochs = refusal(Map.of("epochs", 50));
        assertTrue(epochs.contains("rewind_to: {epochs: 50} (step 800) is beyond the end of pretraining"), epochs);
        // the end of pretraining itself leaves each level 0 epochs to retrain (the probe's "every level 0 epochs")
        assertTrue(refusal(Map.of("epochs", 2)).contains("leaves every level nothing to retrain"));
        assertTrue(refusal(32).contains("leaves every level nothing to retrain"));
        // the last step before the end and an epoch inside pretraining are fine
        ExperimentRunner r = runner(new ByteArrayOutputStream());
        assertEquals(2, r.preview(lottery(31), tmp).runs().size());
        assertEquals(2, r.preview(lottery(Map.of("epochs", 1)), tmp).runs().size());
    }

    /** {@code e} shrunk by {@code --budget factor}. */
    private static ExperimentSpec budgeted(ExperimentSpec e, double factor) {
        return new ExperimentSpec(e.name(), e.model(), e.dataset(), e.seeds(), e.device(), e.threads(), e.workers(),
                e.pretrain(), e.finetune(), e.pruning(), e.report(), e.saveWeights(), factor);
    }

    @Test
    void aBudgetShrinksTheRewindingPointWithThePretraining() {
        ExperimentRunner r = runner(new ByteArrayOutputStream());
        // --budget 0.5: one epoch of 16 steps; iteration 20 of the full protocol is iteration 10 of the shrunk one
        // (unscaled it would lie beyond the shrunk pretraining and be refused)
        assertEquals(2, r.preview(budgeted(lottery(20), 0.5), tmp).runs().size());
        String late = assertThrows(ConfigException.class,
                () -> r.preview(budgeted(lottery(31), 0.5), tmp)).getMessage();
        assertTrue(late.contains("rewind_to: 16 (iterations) leaves every level nothing to retrain"), late);
        assertEquals(List.of(10, 0), java.util.Arrays.stream(Budget.rewindTo(new int[] {20, 0}, 0.5)).boxed().toList());
        assertEquals(List.of(0, 1), java.util.Arrays.stream(Budget.rewindTo(new int[] {0, 1}, 0.1)).boxed().toList());
    }

    @Test
    void impRefusesAtAndRatesThatNeedTooManyLevels() {
        ExperimentRunner r = runner(new ByteArrayOutputStream());
        String at = assertThrows(ConfigException.class, () -> r.preview(Experiments.tiny("lenet5", List.of(8.0),
                List.of(new StrategySpec("imp", "imp", Map.of("score", "magnitude", "at", "init"))), List.of(0L)),
                tmp)).getMessage();
        assertTrue(at.startsWith("strategy 'imp': imp prunes the pretrained network level by level, so 'at' does not "
                + "apply"), at);
        String levels = assertThrows(ConfigException.class, () -> r.preview(Experiments.tiny("lenet5",
                List.of(8.0), List.of(new StrategySpec("imp", "slow", Map.of("score", "magnitude", "rate", 1e-7))),
                List.of(0L)), tmp)).getMessage();
        // ln 8 / -ln(1 - 1e-7) = 20,794,414.4: 20,794,415 levels
        assertTrue(levels.startsWith("strategy 'slow': rate: 0.0000001 reaches compression 8 in about 20,794,415 "
                + "levels"), levels);
        assertTrue(levels.contains("more than 200 is refused: raise rate (0.2, OpenLTH's, reaches it in 10)"), levels);
    }

    @Test
    void aGridOfMoreThanTenThousandRunsIsRefusedBeforePlanning() {
        List<Long> seeds = java.util.stream.LongStream.range(0, 5001).boxed().toList();
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(1.0, 4.0), List.of(Experiments.strategy(
                "magnitude")), seeds);
        String message = assertThrows(ConfigException.class,
                () -> new GridPlanner(new StrategyRegistry(List.of(new TestMagnitude()))).plan(spec)).getMessage();
        assertEquals("the grid has 10,002 runs (5,001 seeds x 1 strategies x 2 compressions), more than the 10,000 one "
                + "experiment may plan; split it into several experiments (e.g. by seeds or strategies)", message);
        assertEquals(10_000, new GridPlanner(new StrategyRegistry(List.of(new TestMagnitude()))).plan(
                Experiments.tiny("lenet5", List.of(1.0, 4.0), List.of(Experiments.strategy("magnitude")),
                        seeds.subList(0, 5000))).size());
    }

    @Test
    void nonFiniteScoresFailThatRunAndTheGridGoesOn() throws Exception {
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(4.0), List.of(Experiments.strategy("magnitude"),
                Experiments.strategy("nanscore"), Experiments.strategy("halfnan")), List.of(0L));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentRunner r = runner(log, nanScores("nanscore", false), nanScores("halfnan", true));
        ExperimentRunner.Outcome outcome = r.run(r.prepare(spec, tmp), false);
        assertEquals(3, outcome.executed(), log.toString());
        assertEquals(2, outcome.failed().size(), outcome.failed().toString());
        Map<String, RunResult> byLabel = new LinkedHashMap<>();
        new ResultStore(tmp).all().forEach(x -> byLabel.put(x.strategy(), x));
        assertTrue(byLabel.get("magnitude").ok(), byLabel.toString());
        // LeNet-5's conv1 has 150 weights: all NaN, or 75 of them
        assertTrue(byLabel.get("nanscore").error().contains("strategy 'nanscore' returned non-finite scores for "),
                byLabel.get("nanscore").error());
        assertTrue(byLabel.get("nanscore").error().contains(": 150 NaN and 0 infinite of its 150 unpruned weights"),
                byLabel.get("nanscore").error());
        assertTrue(byLabel.get("halfnan").error().contains(": 75 NaN and 0 infinite of its 150 unpruned weights"),
                byLabel.get("halfnan").error());
        assertEquals(RunResult.FAILED, byLabel.get("halfnan").status());
    }

    @Test
    void aNetworkFarFromItsCompressionTargetIsFlagged() {
        ExperimentSpec spec = Experiments.tiny("lenet5", List.of(1.0, 4.0), List.of(Experiments.strategy(
                "magnitude")), List.of(0L));
        StrategyRegistry registry = new StrategyRegistry(List.of(new TestMagnitude()));
        List<RunSpec> runs = new GridPlanner(registry).plan(spec);
        RunSpec dense = runs.get(0);
        RunSpec four = runs.get(1);
        StrategyAxes axes = StrategyAxes.of(four.strategy(), registry);
        // 1000 parameters, 900 prunable: 250 nonzero is 4x; 2x off either way is allowed, beyond it is not
        assertTrue(CompressionCheck.problem(four, axes, cx(1000, 250), 900).isEmpty());
        assertTrue(CompressionCheck.problem(four, axes, cx(1000, 125), 900).isEmpty()); // 8x
        assertTrue(CompressionCheck.problem(four, axes, cx(1000, 500), 900).isEmpty()); // 2x
        String far = CompressionCheck.problem(four, axes, cx(1000, 100), 900).orElseThrow(); // 10x
        assertTrue(far.startsWith("the network ends at compression 10 for a target of 4 (more than a factor 2 off: "
                + "100 of 1000 parameters nonzero)"), far);
        assertTrue(CompressionCheck.problem(four, axes, cx(1000, 600), 900).isPresent()); // 1.67x
        assertTrue(CompressionCheck.problem(dense, axes, cx(1000, 100), 900).isEmpty()); // a dense control: no target
    }

    private static Complexity cx(long params, long nonzero) {
        return new Complexity(params, nonzero, 10 * params, 10 * nonzero);
    }
}
