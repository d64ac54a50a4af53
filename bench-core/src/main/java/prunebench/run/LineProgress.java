package prunebench.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress as plain lines, {@code [hh:mm:ss] [wk] message}: for logs, Slurm output and CI, where nothing may be
 * redrawn. The time is counted from {@code startNanos} of this JVM's clock, which the runner passes to every
 * worker's relay, so all lines of a grid share one clock.
 */
public final class LineProgress implements ProgressSink {
    private final PrintStream out;
    private final Level threshold;
    private final String label;
    private final long startNanos;

    public LineProgress(PrintStream out, Level threshold, String label, long startNanos) {
        this.out = out;
        this.threshold = threshold;
        this.label = label.isEmpty() ? "" : label + " ";
        this.startNanos = startNanos;
    }

    /** Today's lines (up to {@link Level#INFO}), timed from now. */
    public LineProgress(PrintStream out, String label) {
        this(out, Level.INFO, label, System.nanoTime());
    }

    @Override
    public void log(Level level, String message) {
        if (level.compareTo(threshold) <= 0) {
            out.println(stamp(startNanos) + " " + label + message);
        }
    }

    /** {@code [hh:mm:ss]} since {@code startNanos}. */
    public static String stamp(long startNanos) {
        long s = Math.max(0, (System.nanoTime() - startNanos) / 1_000_000_000L);
        return String.format(Locale.ROOT, "[%02d:%02d:%02d]", s / 3600, s / 60 % 60, s % 60);
    }
}
