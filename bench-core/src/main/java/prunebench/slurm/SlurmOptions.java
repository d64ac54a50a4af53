package prunebench.slurm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The command line's Slurm options (a picocli mixin of {@link prunebench.cli.Main}): submitting a grid, and the jobs'
 * stages.
 */
public final class SlurmOptions {
    @Option(names = "--slurm", description = "submit the grid to Slurm: pretraining (one task per seed), a job array "
            + "over the runs, then a report job; scripts and logs go to RESULTS/slurm/<n>/. With --dry-run: print "
            + "the scripts, submit nothing. The results folder must be on a filesystem every node shares.")
    boolean submit;

    @Option(names = "--partition", paramLabel = "P", description = "Slurm partition of every job")
    String partition;

    @Option(names = "--time", paramLabel = "T", description = "time limit of every job, e.g. 2:00:00")
    String time;

    @Option(names = "--cpus-per-task", paramLabel = "C", description = "CPUs per task (default: the experiment's "
            + "threads)")
    Integer cpusPerTask;

    @Option(names = "--mem", paramLabel = "M", description = "memory per task, e.g. 8G")
    String mem;

    @Option(names = "--runs-per-task", paramLabel = "K", description = "runs per array task (default 1, more when the "
            + "grid has over 1000 runs); task i runs the plan's runs [i*K, (i+1)*K)")
    Integer runsPerTask;

    @Option(names = "--sbatch-arg", paramLabel = "OPTION", description = "an extra #SBATCH option for every job, "
            + "e.g. --sbatch-arg=--account=lab --sbatch-arg=--gres=gpu:1 (repeatable)")
    List<String> sbatchArgs = new ArrayList<>();

    @Option(names = "--allow-local-results", description = "submit even though the results folder looks node-local "
            + "(under /tmp, tmpfs, overlay): right for a one-node cluster only")
    boolean allowLocalResults;

    @Option(names = "--wait", description = "with --slurm: wait for the report job and exit with its status "
            + "(0 every run finished, 1 runs failed or missing)")
    boolean await;

    /** Set in the jobs: which part of the grid this process does. */
    @Option(names = "--stage", hidden = true, paramLabel = "pretrain|runs|report")
    Stage stage;

    /** Set in the array tasks ($SLURM_ARRAY_TASK_ID): with --runs-per-task, runs [i*K, (i+1)*K) of the plan. */
    @Option(names = "--task-index", hidden = true)
    Integer taskIndex;

    /** The ordered run ids written at submission: a task refuses to run a grid that differs from it. */
    @Option(names = "--expect-runs", hidden = true)
    Path expectRuns;

    /** Which part of a submitted grid a job does. */
    public enum Stage { pretrain, runs, report }

    /** --slurm: this process submits the grid. */
    public boolean submits() {
        return submit;
    }

    /** Submission options without --slurm would be silently ignored: bad input instead. */
    public void check() {
        if (submit) {
            return;
        }
        List<String> given = new ArrayList<>();
        if (partition != null) given.add("--partition");
        if (time != null) given.add("--time");
        if (cpusPerTask != null) given.add("--cpus-per-task");
        if (mem != null) given.add("--mem");
        if (!sbatchArgs.isEmpty()) given.add("--sbatch-arg");
        if (allowLocalResults) given.add("--allow-local-results");
        if (await) given.add("--wait");
        if (runsPerTask != null && stage() == null) given.add("--runs-per-task");
        if (!given.isEmpty()) {
            throw new prunebench.config.ConfigException(String.join(", ", given) + " only apply with --slurm");
        }
    }

    /** The stage this process runs, null for an ordinary invocation; --task-index alone means runs. */
    public Stage stage() {
        return stage != null ? stage : taskIndex != null ? Stage.runs : null;
    }
}
