package prunebench.run;

import java.io.PrintStream;
import java.util.Locale;
import prunebench.train.EpochRecord;

/** One line per event on stderr: which run of how many, stage and epoch, loss and accuracy, throughput. */
final class Progress {
    private final PrintStream out;
    private final String label;
    private final long start = System.nanoTime();
    private long lastStepLine = System.nanoTime();

    Progress(PrintStream out, String label) {
        this.out = out;
        this.label = label.isEmpty() ? "" : label + " ";
    }

    void info(String message) {
        out.printf(Locale.ROOT, "[%s] %s%s%n", elapsed(), label, message);
    }

    void startRun(int index, int total, String description) {
        info(String.format(Locale.ROOT, "run %d/%d %s", index, total, description));
    }

    void epoch(String what, EpochRecord r, int epochs) {
        info(String.format(Locale.ROOT, "  %s %s epoch %d/%d  loss %.4f  train %.2f%%  test top1 %.2f%% top5 %.2f%%"
                        + "  %.0f img/s  %.1fs",
                what, r.stage(), r.epoch(), epochs, r.trainLoss(), 100 * r.trainTop1(), 100 * r.testTop1(),
                100 * r.testTop5(), r.imagesPerSecond(), r.seconds()));
    }

    /** A line within a long epoch, at most every 30 seconds. */
    void step(String stage, int epoch, int epochs, int step, int steps, double loss, double top1) {
        long now = System.nanoTime();
        if (now - lastStepLine < 30_000_000_000L) {
            return;
        }
        lastStepLine = now;
        info(String.format(Locale.ROOT, "  %s epoch %d/%d  step %d/%d  loss %.4f  train %.2f%%", stage, epoch + 1,
                epochs, step, steps, loss, 100 * top1));
    }

    private String elapsed() {
        long s = (System.nanoTime() - start) / 1_000_000_000L;
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
