package prunebench.config;

import java.util.List;

/**
 * One experiment file, typed and validated. Field names mirror the YAML keys (snake_case in YAML).
 * Everything here is the user contract: researchers' scripts read these keys.
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
        PruningSpec pruning) {

    public enum DeviceChoice { AUTO, CPU, GPU }
}
