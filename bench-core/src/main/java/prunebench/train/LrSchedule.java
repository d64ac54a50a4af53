package prunebench.train;

import java.util.List;
import java.util.Set;
import prunebench.config.ConfigException;
import prunebench.config.LrScheduleSpec;
import prunebench.util.Names;

/**
 * The learning rate at every optimizer step: an optional linear warmup, then constant, step (multiplied by gamma
 * at each milestone epoch) or cosine (from the base rate to zero at the end of training, per step).
 */
public final class LrSchedule {
    public static final Set<String> NAMES = Set.of("constant", "step", "cosine");

    private final LrScheduleSpec spec;
    private final double baseLr;
    private final int epochs;
    private final int stepsPerEpoch;

    public LrSchedule(LrScheduleSpec spec, double baseLr, int epochs, int stepsPerEpoch) {
        if (!NAMES.contains(spec.name())) {
            throw new ConfigException(Names.unknown("lr schedule", spec.name(), NAMES));
        }
        this.spec = spec;
        this.baseLr = baseLr;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    /** Learning rate for step {@code step} (0-based) of epoch {@code epoch} (0-based). */
    public double at(int epoch, int step) {
        long global = (long) epoch * stepsPerEpoch + step;
        long warmupSteps = Math.round(spec.warmupEpochs() * stepsPerEpoch);
        if (global < warmupSteps) {
            return baseLr * (global + 1) / warmupSteps;
        }
        return switch (spec.name()) {
            case "constant" -> baseLr;
            case "step" -> {
                List<Integer> milestones = spec.milestones() == null ? List.of() : spec.milestones();
                long passed = milestones.stream().filter(m -> epoch >= m).count();
                yield baseLr * Math.pow(spec.gamma(), passed);
            }
            case "cosine" -> {
                long total = (long) epochs * stepsPerEpoch - warmupSteps;
                double progress = total <= 0 ? 1 : (double) (global - warmupSteps) / total;
                yield 0.5 * baseLr * (1 + Math.cos(Math.PI * progress));
            }
            default -> throw new IllegalStateException(spec.name());
        };
    }
}
