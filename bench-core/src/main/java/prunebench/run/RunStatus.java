package prunebench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a planned run stands in a results folder, as {@code --dry-run} marks it, read without writing anything (an
 * unreadable record is named, not set aside as a real run would).
 */
public enum RunStatus {
    /** Nothing recorded: it will run. */
    TO_RUN(""),
    /** Recorded and successful: skipped. */
    DONE("done"),
    /** Recorded as failed: skipped unless --retry-failed. */
    FAILED("failed"),
    /** Another process holds its lock now. */
    RUNNING("running"),
    /** Begun and interrupted: it resumes from its last checkpoint. */
    INTERRUPTED("interrupted, resumes"),
    /** Its record cannot be read: it runs again. */
    UNREADABLE("record unreadable, runs again");

    private final String mark;

    RunStatus(String mark) {
        this.mark = mark;
    }

    /** e.g. {@code done}; empty for a run still to run. */
    public String mark() {
        return mark;
    }

    public static RunStatus of(Path resultsDir, String runId) {
        Path dir = new ResultStore(resultsDir).runDir(runId);
        if (RunLock.isHeld(dir.resolve(".lock"))) {
            return RUNNING;
        }
        try {
            RunResult r = ResultStore.parse(Files.readString(dir.resolve(ResultStore.METRICS)));
            return r.ok() ? DONE : FAILED;
        } catch (NoSuchFileException e) {
            return Files.exists(dir.resolve("checkpoint.json")) ? INTERRUPTED : TO_RUN;
        } catch (IOException | RuntimeException e) {
            return UNREADABLE;
        }
    }
}
