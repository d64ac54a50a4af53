package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import prunebench.config.ExperimentSpec;
import prunebench.config.LrScheduleSpec;
import prunebench.config.OptimizerSpec;
import prunebench.config.TrainSchedule;
import prunebench.prune.StrategyRegistry;
import prunebench.testing.Experiments;

class BudgetTest {
    private static TrainSchedule step(int epochs, List<Integer> milestones, double warmup) {
        return new TrainSchedule(epochs, 128, new OptimizerSpec("sgd", 0.1, 0.9, true, 1e-4, 0, 0, 0),
                new LrScheduleSpec("step", warmup, milestones, 0.1));
    }

    @Test
    void scalesEpochsMilestonesAndWarmup() {
        assertEquals(step(80, List.of(30, 60), 2.5), Budget.scale(step(160, List.of(60, 120), 5), 0.5));
        // 1.6 epochs -> 2; the drops at 37.5% and 75% of training land on epochs 1 (0.75) and 2 (1.5)
        assertEquals(step(2, List.of(1, 2), 0.05), Budget.scale(step(160, List.of(60, 120), 5), 0.01));
        assertEquals(1, Budget.scale(step(10, List.of(), 0), 0.01).epochs()); // a training keeps one epoch
        assertEquals(0, Budget.scale(step(0, List.of(), 0), 0.5).epochs());
        assertEquals(step(160, List.of(60, 120), 5), Budget.scale(step(160, List.of(60, 120), 5), 1));
    }

    @Test
    void scratchBStretchesTheScheduleWithItsMilestones() {
        // Liu et al.'s main_B.py at 3x fewer FLOPs: int(160 * 3) = 480 epochs, drops at int(0.5 E), int(0.75 E)
        assertEquals(step(480, List.of(240, 360), 0), Budget.withEpochs(step(160, List.of(80, 120), 0), 480));
        // 2 epochs stretched to 5: the drop at 1 moves to round(2.5) = 3, the warmup to 2.5 epochs
        assertEquals(step(5, List.of(3), 2.5), Budget.withEpochs(step(2, List.of(1), 1), 5));
    }

    @Test
    void theGridCarriesScaledSchedulesAndTheFactor() {
        ExperimentSpec whole = Experiments.tiny("lenet5", List.of(1.0, 4.0),
                List.of(Experiments.strategy("magnitude")), List.of(0L));
        ExperimentSpec quarter = new ExperimentSpec(whole.name(), whole.model(), whole.dataset(), whole.seeds(),
                whole.device(), whole.threads(), whole.workers(), step(160, List.of(60, 120), 0), whole.finetune(),
                whole.pruning(), whole.report(), true, 0.25);
        GridPlanner planner = new GridPlanner(new StrategyRegistry(List.of(new prunebench.testing.TestMagnitude())));
        RunSpec run = planner.plan(quarter).get(1);
        assertEquals(step(40, List.of(15, 30), 0), run.pretrain());
        assertEquals(0.25, run.budget());
        assertEquals(1.0, planner.plan(whole).get(1).budget());
        assertNotEquals(planner.plan(whole).get(1).runId(), run.runId());
    }
}
