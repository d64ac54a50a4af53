package prunebench.run;

import java.util.List;
import prunebench.config.LrScheduleSpec;
import prunebench.config.TrainSchedule;

/**
 * {@code --budget F}: a protocol shrunk in time for a smoke test. Every epoch count is multiplied by F and rounded
 * (a schedule that trains keeps at least one epoch); step milestones keep their place relative to the end of
 * training (round(m * scaled / original)), so a drop at 60 of 160 epochs stays at 37.5% of the scaled run, and two
 * milestones that fall on the same epoch both apply there; warmup epochs are scaled exactly.
 */
final class Budget {
    private Budget() {}

    static TrainSchedule scale(TrainSchedule t, double factor) {
        if (factor == 1 || t.epochs() == 0) {
            return t;
        }
        int epochs = Math.max(1, (int) Math.round(t.epochs() * factor));
        double ratio = (double) epochs / t.epochs();
        LrScheduleSpec s = t.lrSchedule();
        List<Integer> milestones = s.milestones() == null ? null
                : s.milestones().stream().map(m -> (int) Math.round(m * ratio)).toList();
        return new TrainSchedule(epochs, t.batchSize(), t.optimizer(),
                new LrScheduleSpec(s.name(), s.warmupEpochs() * factor, milestones, s.gamma()), t.penalty());
    }
}
