package prunebench.slurm;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import prunebench.cli.Main;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.config.ResolvedExperimentWriter;
import prunebench.prune.StrategyRegistry;
import prunebench.report.ReportSpec;
import prunebench.run.ExperimentRunner;
import prunebench.run.Pretraining;
import prunebench.run.ResultStore;
import prunebench.run.RunSpec;

/**
 * {@code run-experiment --slurm}: a grid as Slurm jobs that share it through the results folder. Submission writes
 * three scripts to {@code RESULTS/slurm/<n>/} and submits them chained: the dense pretraining (an array, one task per
 * seed), the runs (an array, task i = runs [i*K, (i+1)*K) of the plan; after the pretraining succeeded), and a
 * report (after the runs ended however they ended). Each job runs this same class with a hidden {@code --stage}; the
 * per-run records decide what is done, never sbatch's exit codes, so resubmitting runs only what is missing.
 */
public final class SlurmCommand {
    private final SlurmOptions o;
    private final PrintStream out;
    private final PrintStream err;
    /** What the jobs run with: this process's class path and the plug-ins. */
    private final String classpath;

    public SlurmCommand(SlurmOptions options, PrintStream out, PrintStream err) {
        this(options, out, err, System.getProperty("java.class.path"));
    }

    public SlurmCommand(SlurmOptions options, PrintStream out, PrintStream err, String classpath) {
        this.o = options;
        this.out = out;
        this.err = err;
        this.classpath = classpath;
    }

    /** Runs this process's stage of a submitted grid ({@link JobStages}); returns the exit code. */
    public int stage(ExperimentRunner.Plan plan, ExperimentRunner runner, StrategyRegistry strategies,
            boolean retryFailed, ReportSpec reportSpec) throws IOException {
        return new JobStages(o, out, err).run(plan, runner, strategies, retryFailed, reportSpec);
    }

    // ---------------------------------------------------------------- submission

    /** What to submit, and how: everything the scripts need. */
    record Submission(Path dir, int runsPerTask, int tasks, Set<Integer> pendingTasks, Set<Integer> pretrainTasks,
            Map<String, String> scripts) {}

    /** Writes the scripts and submits them (with --dry-run: prints them); returns the exit code. */
    public int submit(Path experiment, List<String> overrides, boolean retryFailed, boolean dryRun, ExperimentSpec spec,
            ExperimentRunner.Plan plan, Path datasetDir) throws IOException {
        if (o.stage() != null) {
            throw new ConfigException("--slurm submits a grid; --stage and --task-index are for its jobs");
        }
        Path dir = plan.resultsDir().toAbsolutePath().normalize();
        checkShared(dir, datasetDir);
        if (!dryRun && !SlurmCluster.onPath("sbatch")) {
            throw new ConfigException("--slurm: sbatch is not on the PATH; run this on a Slurm login node, or use "
                    + "--dry-run to see the scripts");
        }
        int maxArray = dryRun ? SlurmCluster.DEFAULT_MAX_ARRAY : SlurmCluster.maxArraySize();
        List<RunSpec> runs = plan.runs();
        int k = o.runsPerTask != null ? o.runsPerTask
                : Math.max(1, (runs.size() + Math.min(1000, maxArray) - 1) / Math.min(1000, maxArray));
        if (k < 1) {
            throw new ConfigException("--runs-per-task must be >= 1, got " + k);
        }
        int tasks = (runs.size() + k - 1) / k;
        if (tasks > maxArray) {
            throw new ConfigException("--runs-per-task " + k + " makes " + tasks + " array tasks, more than this "
                    + "cluster's MaxArraySize " + maxArray + "; use --runs-per-task "
                    + ((runs.size() + maxArray - 1) / maxArray) + " or more");
        }
        ResultStore store = new ResultStore(dir);
        Set<Integer> pending = new TreeSet<>();
        Set<Integer> pretrain = new TreeSet<>();
        List<Pretraining.Model> models = Pretraining.models(plan);
        int todo = 0;
        for (int i = 0; i < runs.size(); i++) {
            String id = runs.get(i).runId();
            boolean done = store.isFinished(id) && (!retryFailed || store.load(id).ok());
            if (!done) {
                todo++;
                pending.add(i / k);
                int m = Pretraining.indexOf(plan, runs.get(i));
                if (m >= 0 && !models.get(m).done()) {
                    pretrain.add(m);
                }
            }
        }
        if (pending.isEmpty()) {
            out.printf("%s: all %d runs are recorded in %s; nothing to submit (--report %s rebuilds the tables%s)%n",
                    spec.name(), runs.size(), dir, dir, retryFailed ? "" : "; --retry-failed reruns failed runs");
            return Main.OK;
        }

        Path slurmDir = dir.resolve("slurm");
        Path sub = nextSubmissionDir(slurmDir, dryRun);
        Path lib = slurmDir.resolve("lib");
        SlurmScripts.Launch launch = SubmissionScripts.launch(classpath, lib, dryRun);

        Path experimentCopy = sub.resolve("experiment.yaml");
        Path runsFile = sub.resolve("runs.txt");
        List<String> common = SubmissionScripts.commonArgs(experimentCopy, overrides, datasetDir, dir, retryFailed,
                runsFile);
        Map<String, String> scripts = new SubmissionScripts(o).render(spec, dir, sub, common, launch, pretrain,
                pending, k, tasks, runs.size());
        Submission submission = new Submission(sub, k, tasks, pending, pretrain, scripts);

        if (dryRun) {
            printDryRun(spec, plan, submission, todo);
            return Main.OK;
        }
        Files.createDirectories(sub.resolve("logs"));
        Files.copy(experiment, experimentCopy);
        Files.writeString(runsFile, String.join("\n", runs.stream().map(RunSpec::runId).toList()) + "\n");
        for (Map.Entry<String, String> e : scripts.entrySet()) {
            Files.writeString(sub.resolve(e.getKey()), e.getValue());
        }
        ResolvedExperimentWriter.write(spec, dir);
        return sbatchAll(spec, submission, todo);
    }

    private void checkShared(Path dir, Path datasetDir) throws IOException {
        SharedFilesystem.Verdict v = SharedFilesystem.check(dir);
        if (v.problem() != null) {
            String msg = "results folder " + v.problem() + ": Slurm tasks on other nodes would not see the runs, "
                    + "locks and pretrained models. Use --results DIR on a file system every node mounts (NFS, "
                    + "Lustre, GPFS, BeeGFS, CephFS...), or --allow-local-results for a one-node cluster.";
            if (!o.allowLocalResults) {
                throw new ConfigException(msg);
            }
            err.println("note: " + v.problem() + " (allowed by --allow-local-results)");
        } else if (v.warning() != null) {
            err.println("warning: results folder " + v.warning());
        }
        if (datasetDir != null) {
            SharedFilesystem.Verdict d = SharedFilesystem.check(datasetDir);
            if (d.problem() != null) {
                err.println("warning: dataset folder " + d.problem() + ": every node must have it at that path");
            }
        }
    }

    /** {@code slurm/1}, {@code slurm/2}, ...: the first free number (created unless dry-run). */
    private static Path nextSubmissionDir(Path slurmDir, boolean dryRun) throws IOException {
        for (int n = 1; ; n++) {
            Path p = slurmDir.resolve(String.valueOf(n));
            if (Files.exists(p)) {
                continue;
            }
            if (dryRun) {
                return p;
            }
            Files.createDirectories(slurmDir);
            try {
                Files.createDirectory(p);
                return p;
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // a concurrent submission took it
            }
        }
    }

    private void printDryRun(ExperimentSpec spec, ExperimentRunner.Plan plan, Submission s, int todo) {
        out.printf("%s: %d runs (%d to run), %d per task -> %d array tasks; results in %s%n", spec.name(),
                plan.runs().size(), todo, s.runsPerTask(), s.pendingTasks().size(), plan.resultsDir());
        out.println("dry run: no script written, nothing submitted. These scripts would go to " + s.dir() + "/:");
        for (Map.Entry<String, String> e : s.scripts().entrySet()) {
            out.println();
            out.println("==> " + s.dir().resolve(e.getKey()) + " <==");
            out.print(e.getValue());
        }
        out.println();
        out.println("submitted with:");
        String dep = "";
        if (s.scripts().containsKey("pretrain.sbatch")) {
            out.println("  PRETRAIN=$(sbatch --parsable " + s.dir().resolve("pretrain.sbatch") + ")");
            dep = "--dependency=afterok:$PRETRAIN ";
        }
        out.println("  RUNS=$(sbatch --parsable " + dep + s.dir().resolve("runs.sbatch") + ")");
        out.println("  sbatch --parsable --dependency=afterany:$RUNS " + s.dir().resolve("report.sbatch"));
    }

    private int sbatchAll(ExperimentSpec spec, Submission s, int todo) throws IOException {
        List<String> submitted = new ArrayList<>();
        try {
            String pretrainJob = null;
            if (s.scripts().containsKey("pretrain.sbatch")) {
                pretrainJob = SlurmCluster.sbatch(s.dir().resolve("pretrain.sbatch"), null, false).id();
                submitted.add(pretrainJob);
            }
            String runsJob = SlurmCluster.sbatch(s.dir().resolve("runs.sbatch"),
                    pretrainJob == null ? null : "afterok:" + pretrainJob, false).id();
            submitted.add(runsJob);
            Files.writeString(s.dir().resolve("jobs.txt"), (pretrainJob == null ? "" : "pretrain " + pretrainJob
                    + "\n") + "runs " + runsJob + "\n");
            out.printf("%s: submitted %d run(s) in %d array task(s) of %d run(s) (job %s)%s%n", spec.name(), todo,
                    s.pendingTasks().size(), s.runsPerTask(), runsJob, pretrainJob == null ? ""
                            : ", after " + s.pretrainTasks().size() + " pretraining task(s) (job " + pretrainJob
                                    + ")");
            out.println("scripts and logs: " + s.dir());
            if (o.await) {
                out.println("waiting for the report job (after job " + runsJob + ")...");
                SlurmCluster.Sbatch report = SlurmCluster.sbatch(s.dir().resolve("report.sbatch"),
                        "afterany:" + runsJob, true);
                Files.writeString(s.dir().resolve("jobs.txt"), "report " + report.id() + "\n",
                        java.nio.file.StandardOpenOption.APPEND);
                Path log = s.dir().resolve("logs").resolve("report.out");
                if (Files.isRegularFile(log)) {
                    out.print(Files.readString(log));
                }
                return report.exitCode() == 0 ? Main.OK : Main.RUNS_FAILED;
            }
            String reportJob = SlurmCluster.sbatch(s.dir().resolve("report.sbatch"), "afterany:" + runsJob, false)
                    .id();
            Files.writeString(s.dir().resolve("jobs.txt"), "report " + reportJob + "\n",
                    java.nio.file.StandardOpenOption.APPEND);
            out.printf("report: job %s, after the array; its log %s lists failed and missing runs%n", reportJob,
                    s.dir().resolve("logs").resolve("report.out"));
            out.println("follow with: squeue -j " + String.join(",", submitted) + "," + reportJob
                    + "; resubmit the same command to run what is missing");
            return Main.OK;
        } catch (ConfigException e) {
            if (!submitted.isEmpty()) {
                err.println("cancelling the jobs already submitted: " + String.join(" ", submitted));
                SlurmCluster.scancel(submitted);
            }
            throw e;
        }
    }
}
