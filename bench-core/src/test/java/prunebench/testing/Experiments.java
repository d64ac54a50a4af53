package prunebench.testing;

import java.util.List;
import java.util.Map;
import prunebench.config.DatasetSpec;
import prunebench.config.ExperimentSpec;
import prunebench.config.LrScheduleSpec;
import prunebench.config.OptimizerSpec;
import prunebench.config.PruningSpec;
import prunebench.config.StrategySpec;
import prunebench.config.TrainSchedule;

/** Small experiment specs for tests. */
public final class Experiments {
    private Experiments() {}

    public static TrainSchedule sgd(int epochs, double lr) {
        return new TrainSchedule(epochs, 32, new OptimizerSpec("sgd", lr, 0.9, false, 0, 0.9, 0.999, 1e-8),
                new LrScheduleSpec("constant", 0, List.of(), 0.1));
    }

    public static StrategySpec strategy(String name) {
        return new StrategySpec(name, name, Map.of());
    }

    public static ExperimentSpec tiny(String model, List<Double> compressions, List<StrategySpec> strategies,
            List<Long> seeds) {
        return new ExperimentSpec("tiny", model, new DatasetSpec("synthetic", ".", null, null, null), seeds,
                ExperimentSpec.DeviceChoice.CPU, 1, 1, sgd(2, 0.05), sgd(1, 0.01),
                new PruningSpec(compressions, false, false, strategies));
    }
}
