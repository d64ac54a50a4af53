package prunebench.run;

import java.io.PrintStream;
import java.util.Locale;
import prunebench.run.ProgressSink.Level;
import prunebench.train.EpochRecord;

/**
 * What a runner says while it works, as lines and events for a {@link ProgressSink}: which run of how many, stage
 * and epoch, loss and accuracy, throughput.
 */
final class Progress {
    private final ProgressSink sink;
    private long lastStepLine = System.nanoTime();

    Progress(ProgressSink sink) {
        this.sink = sink;
    }

    Progress(PrintStream out, String label) {
        this(new LineProgress(out, label));
    }

    ProgressSink sink() {
        return sink;
    }

    /** A progress line; one that starts with "warning" or "note" is kept above a live display too. */
    void info(String message) {
        sink.log(message.startsWith("warning") ? Level.WARN : message.startsWith("note") ? Level.NOTICE : Level.INFO,
                message);
    }

    void debug(String message) {
        sink.log(Level.DEBUG, message);
    }

    void startRun(int index, int total, String runId, String description) {
        sink.runStarted(index, total, runId, description);
    }

    void epoch(String what, EpochRecord r, int epochs) {
        sink.training(r.stage(), r.epoch(), epochs, 1, 1);
        info(String.format(Locale.ROOT, "  %s %s epoch %d/%d  loss %.4f  train %.2f%%  test top1 %.2f%% top5 %.2f%%"
                        + "  %.0f img/s  %.1fs",
                what, r.stage(), r.epoch(), epochs, r.trainLoss(), 100 * r.trainTop1(), 100 * r.testTop1(),
                100 * r.testTop5(), r.imagesPerSecond(), r.seconds()));
    }

    /** Every step: an event, a --verbose line, and a plain line within a long epoch at most every 30 seconds. */
    void step(String stage, int epoch, int epochs, int step, int steps, double loss, double top1) {
        sink.training(stage, epoch + 1, epochs, step, steps);
        String line = String.format(Locale.ROOT, "  %s epoch %d/%d  step %d/%d  loss %.4f  train %.2f%%", stage,
                epoch + 1, epochs, step, steps, loss, 100 * top1);
        long now = System.nanoTime();
        if (now - lastStepLine < 30_000_000_000L) {
            sink.log(Level.DEBUG, line);
            return;
        }
        lastStepLine = now;
        info(line);
    }
}
