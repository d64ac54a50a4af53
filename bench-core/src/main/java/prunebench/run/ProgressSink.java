package prunebench.run;

/**
 * Where a runner's progress goes: plain lines ({@link LineProgress}), the pipe from a worker process to the runner
 * that started it, or the live display of a terminal. Events carry the run id, so that a display fed by several
 * workers counts every run once.
 */
public interface ProgressSink {
    /** How much a line matters; a sink shows the levels up to its threshold. */
    enum Level {
        /** Something went wrong: a run failed, a record is unusable. Shown even with --quiet. */
        WARN,
        /** Worth keeping in a log above a live display: a run's result, notes about the folder. */
        NOTICE,
        /** Today's progress lines: runs starting, epochs, pretraining. */
        INFO,
        /** --verbose: every batch, locks, caches. */
        DEBUG
    }

    void log(Level level, String message);

    /** A run of the grid starts here ({@code index} counts from 1). */
    default void runStarted(int index, int total, String runId, String description) {
        log(Level.INFO, String.format(java.util.Locale.ROOT, "run %d/%d %s", index, total, description));
    }

    /** A run finished here; {@code summary} is its result line ("  done: top1 ...", "  FAILED: ..."). */
    default void runEnded(String runId, boolean ok, double seconds, String summary) {
        log(ok ? Level.NOTICE : Level.WARN, summary);
    }

    /** A run of the grid was finished already (earlier, or by another worker). */
    default void runFound(String runId, boolean ok, int total) {}

    /** Within a run: step {@code step} of {@code steps} of epoch {@code epoch} (from 1) of {@code epochs}. */
    default void training(String stage, int epoch, int epochs, int step, int steps) {}
}
