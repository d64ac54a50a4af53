package prunebench.config;

import java.util.List;
import java.util.Map;

/**
 * One experiment file, typed and validated. Field names mirror the YAML keys (snake_case in YAML).
 * Everything here is the user contract: researchers' scripts read these keys.
 * {@code report} is the optional {@code report:} section kept raw (never null; empty when absent); the report
 * module validates it.
 */
public record ExperimentSpec(
        String name,
        String model,
        DatasetSpec dataset,
        List<Long> seeds,
        DeviceChoice device,
        int threads,
        Integer workers,
        TrainSchedule pretrain,
        TrainSchedule finetune,
        PruningSpec pruning,
        Map<String, Object> report) {

    public enum DeviceChoice { AUTO, CPU, GPU }

    public ExperimentSpec {
        report = report == null ? Map.of() : report;
    }

    /**
     * This experiment narrowed to one run (one seed, compression and strategy), without what does not determine a
     * result: the dataset's location, the worker count and the report section.
     */
    public ExperimentSpec forRun(long seed, double compression, StrategySpec strategy) {
        return new ExperimentSpec(name, model, dataset.withoutRoot(), List.of(seed), device, threads, null, pretrain,
                finetune, pruning.forRun(compression, strategy), Map.of());
    }

    /** Without a report section (the shape before {@code report} was added). */
    public ExperimentSpec(
            String name, String model, DatasetSpec dataset, List<Long> seeds, DeviceChoice device, int threads,
            Integer workers, TrainSchedule pretrain, TrainSchedule finetune, PruningSpec pruning) {
        this(name, model, dataset, seeds, device, threads, workers, pretrain, finetune, pruning, Map.of());
    }
}
