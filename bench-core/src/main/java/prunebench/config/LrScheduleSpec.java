package prunebench.config;

import java.util.List;

/**
 * constant, step (milestones in epochs, multiplied by gamma at each) or cosine (to zero at the end);
 * every schedule may start with a linear warmup of {@code warmupEpochs}.
 */
public record LrScheduleSpec(String name, double warmupEpochs, List<Integer> milestones, double gamma) {}
