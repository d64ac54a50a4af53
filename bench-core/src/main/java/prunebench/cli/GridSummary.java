package prunebench.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import prunebench.config.ExperimentSpec;
import prunebench.run.ExperimentRunner;
import prunebench.run.RunResult;

/** The end of a grid: its one-line summary, the runs missing or failed, and the exit code they make. */
final class GridSummary {
    private GridSummary() {}

    /** {@code reportFile}: the report written, null when it could not be. */
    static int print(PrintStream out, PrintStream err, ExperimentSpec spec, Path dir, ExperimentRunner.Outcome outcome,
            Path reportFile) {
        out.printf("%s: %d runs (%d executed here, %d by other workers or earlier, %d failed%s); results in %s%n",
                spec.name(), outcome.total(), outcome.executed(), outcome.skipped() + outcome.busy(),
                outcome.failed().size(), outcome.missing().isEmpty() ? "" : ", " + outcome.missing().size()
                        + " missing", dir);
        if (!outcome.missing().isEmpty()) {
            err.println("missing runs (planned, but no record at the end of the grid):");
            outcome.missing().forEach(id -> err.println("  " + id));
            err.println("rerun the same command to run them (a run another runner still holds is listed too)");
        }
        if (!outcome.failed().isEmpty()) {
            err.println("failed runs:");
            for (RunResult r : outcome.failed()) {
                err.println("  " + r.run_id() + ": " + r.error());
            }
            err.println("rerun with --retry-failed to try them again");
        }
        if (!outcome.failed().isEmpty() || !outcome.missing().isEmpty()) {
            return Main.RUNS_FAILED;
        }
        return reportFile == null ? Main.RUNS_FAILED : Main.OK;
    }
}
