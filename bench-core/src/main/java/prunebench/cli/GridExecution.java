package prunebench.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.function.IntFunction;
import prunebench.run.ExperimentRunner;
import prunebench.run.LineProgress;
import prunebench.run.ProgressSink;
import prunebench.run.ProgressSink.Level;

/** A grid run by the command the user started: in this process and its worker processes, with their progress. */
final class GridExecution {
    private GridExecution() {}

    /**
     * Runs {@code plan} here and in {@code count - 1} workers (started with this command's {@code rawArgs}),
     * printing progress lines at {@code threshold} or the live display; returns this process's outcome.
     */
    static ExperimentRunner.Outcome run(ExperimentRunner runner, ExperimentRunner.Plan plan, boolean retryFailed,
            int count, List<String> rawArgs, Level threshold, boolean liveDisplay, PrintStream err)
            throws IOException {
        Thread interrupted = new Thread(() -> err.println("\ninterrupted: finished runs are kept and an "
                + "interrupted run resumes from its last epoch; rerun the same command to continue"));
        Runtime.getRuntime().addShutdownHook(interrupted);
        ExperimentRunner.Outcome outcome;
        long start = System.nanoTime(); // the one clock of every worker's lines
        LiveProgress live = liveDisplay ? new LiveProgress(err, start, count, plan.runs().size(), null) : null;
        IntFunction<ProgressSink> sinks = k -> live != null ? live.worker(k)
                : new LineProgress(err, threshold, count > 1 ? "[w" + k + "]" : "", start);
        try {
            WorkerProcesses children = new WorkerProcesses();
            try {
                children.start(count, rawArgs, sinks);
                outcome = runner.run(plan, retryFailed, 0, sinks.apply(0));
            } finally {
                children.await();
                if (live != null) {
                    live.close();
                }
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(interrupted);
        }
        return outcome;
    }
}
