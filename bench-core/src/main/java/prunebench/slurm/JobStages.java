package prunebench.slurm;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import prunebench.cli.Main;
import prunebench.config.ConfigException;
import prunebench.prune.StrategyRegistry;
import prunebench.report.Report;
import prunebench.report.ReportSpec;
import prunebench.run.ExperimentRunner;
import prunebench.run.Pretraining;
import prunebench.run.ResultStore;
import prunebench.run.RunResult;
import prunebench.run.RunSpec;
import prunebench.train.DivergenceException;

/**
 * The jobs' side of a submitted grid: what one process started with the hidden {@code --stage} (and
 * {@code --task-index}) does. The per-run records decide what is done, never sbatch's exit codes.
 */
final class JobStages {
    private final SlurmOptions o;
    private final PrintStream out;
    private final PrintStream err;

    JobStages(SlurmOptions options, PrintStream out, PrintStream err) {
        this.o = options;
        this.out = out;
        this.err = err;
    }

    /** Runs this process's stage of a submitted grid; returns the exit code. */
    int run(ExperimentRunner.Plan plan, ExperimentRunner runner, StrategyRegistry strategies, boolean retryFailed,
            ReportSpec reportSpec) throws IOException {
        if (o.submit) {
            throw new ConfigException("--slurm submits a grid; --stage and --task-index are for its jobs");
        }
        checkPlan(plan);
        return switch (o.stage()) {
            case pretrain -> pretrain(plan, strategies);
            case runs -> runs(plan, runner, retryFailed);
            case report -> report(plan, runner, reportSpec);
        };
    }

    private void checkPlan(ExperimentRunner.Plan plan) throws IOException {
        if (o.expectRuns == null) {
            return;
        }
        List<String> expected = Files.readAllLines(o.expectRuns);
        List<String> actual = plan.runs().stream().map(RunSpec::runId).toList();
        if (!expected.equals(actual)) {
            throw new ConfigException("this grid (" + actual.size() + " runs) is not the one submitted ("
                    + expected.size() + " runs in " + o.expectRuns + "): the experiment or the code changed since; "
                    + "submit again");
        }
    }

    private int taskIndex() {
        if (o.taskIndex == null || o.taskIndex < 0) {
            throw new ConfigException("--stage " + o.stage() + " needs --task-index >= 0");
        }
        return o.taskIndex;
    }

    private int pretrain(ExperimentRunner.Plan plan, StrategyRegistry strategies) throws IOException {
        int i = taskIndex();
        try {
            Pretraining.run(plan, i, strategies, err, "[pretrain " + i + "]");
            return Main.OK;
        } catch (DivergenceException e) {
            err.println("pretraining " + i + " failed: " + e.getMessage());
            return Main.RUNS_FAILED;
        }
    }

    private int runs(ExperimentRunner.Plan plan, ExperimentRunner runner, boolean retryFailed) throws IOException {
        int i = taskIndex();
        int k = o.runsPerTask == null ? 1 : o.runsPerTask;
        if (k < 1) {
            throw new ConfigException("--runs-per-task must be >= 1, got " + k);
        }
        List<RunSpec> all = plan.runs();
        long from = (long) i * k;
        if (from >= all.size()) {
            err.printf("task %d: no runs (the grid has %d runs, %d per task)%n", i, all.size(), k);
            return Main.OK;
        }
        List<RunSpec> mine = all.subList((int) from, (int) Math.min(all.size(), from + k));
        ExperimentRunner.Plan slice = new ExperimentRunner.Plan(plan.spec(), plan.resultsDir(), plan.model(),
                plan.data(), plan.device(), mine, plan.fingerprint());
        err.printf("task %d: runs %d..%d of %d%n", i, from, from + mine.size() - 1, all.size());
        ExperimentRunner.Outcome outcome = runner.run(slice, retryFailed, 0, "[task " + i + "]");
        Set<String> ids = new HashSet<>(mine.stream().map(RunSpec::runId).toList());
        List<RunResult> failed = outcome.failed().stream().filter(r -> ids.contains(r.run_id())).toList();
        failed.forEach(r -> err.println("failed: " + r.run_id() + ": " + r.error()));
        return failed.isEmpty() ? Main.OK : Main.RUNS_FAILED;
    }

    /** Rebuilds runs.csv and the report from whatever records exist, and lists the runs failed or missing. */
    private int report(ExperimentRunner.Plan plan, ExperimentRunner runner, ReportSpec reportSpec)
            throws IOException {
        Path dir = plan.resultsDir();
        ResultStore store = new ResultStore(dir);
        ExperimentRunner.Outcome outcome = runner.collect(plan, new ExperimentRunner.Outcome(plan.runs().size(), 0,
                0, 0, List.of()));
        List<String> missing = plan.runs().stream().map(RunSpec::runId).filter(id -> !store.isFinished(id))
                .toList();
        int ok = plan.runs().size() - missing.size() - outcome.failed().size();
        if (ok + outcome.failed().size() > 0) {
            try {
                out.println("report: " + Report.rebuild(dir, reportSpec));
            } catch (ConfigException | java.io.UncheckedIOException | IllegalStateException
                    | IllegalArgumentException e) {
                err.println("error: could not write the report (the runs are kept; retry with --report): " + e);
            }
        }
        out.printf("%s: %d runs: %d finished, %d failed, %d missing; results in %s%n", plan.spec().name(),
                plan.runs().size(), ok, outcome.failed().size(), missing.size(), dir);
        for (RunResult r : outcome.failed()) {
            out.println("  failed:  " + r.run_id() + ": " + r.error());
        }
        for (String id : missing) {
            out.println("  missing: " + id);
        }
        for (Pretraining.Model m : Pretraining.models(plan)) {
            if (!m.done()) {
                out.println("  not pretrained: seed " + m.seed() + " (" + m.dir() + "); see the pretrain logs");
            }
        }
        if (!missing.isEmpty() || !outcome.failed().isEmpty()) {
            out.println("submit the same command again to run what is missing"
                    + (outcome.failed().isEmpty() ? "" : " (add --retry-failed to rerun the failed runs)"));
            return Main.RUNS_FAILED;
        }
        return Main.OK;
    }
}
