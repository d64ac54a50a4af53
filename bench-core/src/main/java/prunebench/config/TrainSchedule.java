package prunebench.config;

/** How long and how to train: epochs may be 0 (prune and evaluate only). */
public record TrainSchedule(int epochs, int batchSize, OptimizerSpec optimizer, LrScheduleSpec lrSchedule) {}
