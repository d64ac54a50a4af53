package prunebench.slurm;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import prunebench.cli.Main;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.config.ResolvedExperimentWriter;
import prunebench.prune.StrategyRegistry;
import prunebench.report.Report;
import prunebench.report.ReportSpec;
import prunebench.run.ExperimentRunner;
import prunebench.run.Pretraining;
import prunebench.run.ResultStore;
import prunebench.run.RunResult;
import prunebench.run.RunSpec;
import prunebench.run.Version;
import prunebench.train.DivergenceException;

/**
 * {@code run-experiment --slurm}: a grid as Slurm jobs that share it through the results folder. Submission writes
 * three scripts to {@code RESULTS/slurm/<n>/} and submits them chained: the dense pretraining (an array, one task per
 * seed), the runs (an array, task i = runs [i*K, (i+1)*K) of the plan; after the pretraining succeeded), and a
 * report (after the runs ended however they ended). Each job runs this same class with a hidden {@code --stage}; the
 * per-run records decide what is done, never sbatch's exit codes, so resubmitting runs only what is missing.
 */
public final class SlurmCommand {
    /** Slurm's default MaxArraySize: array indices stay below it. */
    static final int DEFAULT_MAX_ARRAY = 1001;

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

    // ---------------------------------------------------------------- the jobs' stages

    /** Runs this process's stage of a submitted grid; returns the exit code. */
    public int stage(ExperimentRunner.Plan plan, ExperimentRunner runner, StrategyRegistry strategies,
            boolean retryFailed, ReportSpec reportSpec) throws IOException {
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
        if (!dryRun && !onPath("sbatch")) {
            throw new ConfigException("--slurm: sbatch is not on the PATH; run this on a Slurm login node, or use "
                    + "--dry-run to see the scripts");
        }
        int maxArray = dryRun ? DEFAULT_MAX_ARRAY : maxArraySize();
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
        List<ClasspathSnapshot.Entry> entries = ClasspathSnapshot.plan(classpath);
        List<Path> classpath = dryRun ? entries.stream().map(e -> lib.resolve(e.name())).toList()
                : ClasspathSnapshot.materialize(entries, lib);
        SlurmScripts.Launch launch = new SlurmScripts.Launch(
                ProcessHandle.current().info().command().orElse("java"), jvmArgs(), classpath,
                System.getenv("DJL_CACHE_DIR"), Path.of("").toAbsolutePath(), System.getenv("PRUNEBENCH_DATA"));

        Path experimentCopy = sub.resolve("experiment.yaml");
        Path runsFile = sub.resolve("runs.txt");
        List<String> common = new ArrayList<>();
        common.add(experimentCopy.toString());
        for (String s : overrides) {
            common.add("--set");
            common.add(s);
        }
        if (datasetDir != null) {
            // The folder found here, so a node's working directory or environment cannot pick another.
            common.add("--set");
            String root = datasetDir.toString();
            common.add("dataset.root=" + (root.matches("[A-Za-z0-9_./-]+") ? root : "'" + root.replace("'", "''")
                    + "'"));
        }
        common.add("--results");
        common.add(dir.toString());
        if (retryFailed) {
            common.add("--retry-failed");
        }
        common.add("--expect-runs");
        common.add(runsFile.toString());

        String base = "pb-" + spec.name();
        Path logs = sub.resolve("logs");
        Map<String, String> scripts = new LinkedHashMap<>();
        String header = "Written by run-experiment --slurm for " + dir + " (submission " + sub.getFileName() + ")";
        if (!pretrain.isEmpty()) {
            List<String> args = new ArrayList<>(common);
            args.addAll(List.of("--stage", "pretrain", "--task-index", SlurmScripts.TASK_ID));
            scripts.put("pretrain.sbatch", SlurmScripts.render(new SlurmScripts.Job(base + "-pretrain",
                    directives(base + "-pretrain", SlurmScripts.arraySpec(pretrain),
                            logs.resolve("pretrain-%a.out"), cpus(spec), false),
                    List.of(header, "Task i trains dense model i (one per seed) into " + dir.resolve("pretrained")),
                    args), launch));
        }
        List<String> runArgs = new ArrayList<>(common);
        runArgs.addAll(List.of("--runs-per-task", String.valueOf(k), "--task-index", SlurmScripts.TASK_ID));
        scripts.put("runs.sbatch", SlurmScripts.render(new SlurmScripts.Job(base + "-runs",
                directives(base + "-runs", SlurmScripts.arraySpec(pending), logs.resolve("runs-%a.out"), cpus(spec),
                        !pretrain.isEmpty()),
                List.of(header, "Task i runs the runs [" + k + "i, " + k + "i+" + k + ") of runs.txt (" + runs.size()
                        + " runs, " + tasks + " tasks); finished runs are skipped"),
                runArgs), launch));
        List<String> reportArgs = new ArrayList<>(common);
        reportArgs.addAll(List.of("--stage", "report"));
        scripts.put("report.sbatch", SlurmScripts.render(new SlurmScripts.Job(base + "-report",
                directives(base + "-report", null, logs.resolve("report.out"), 1, false),
                List.of(header, "Rebuilds runs.csv and the report from the run records; lists failed and missing "
                        + "runs"),
                reportArgs), launch));
        Submission submission = new Submission(sub, k, tasks, pending, pretrain, scripts);

        if (dryRun) {
            printDryRun(spec, plan, submission, todo);
            return Main.OK;
        }
        Files.createDirectories(logs);
        Files.copy(experiment, experimentCopy);
        Files.writeString(runsFile, String.join("\n", runs.stream().map(RunSpec::runId).toList()) + "\n");
        for (Map.Entry<String, String> e : scripts.entrySet()) {
            Files.writeString(sub.resolve(e.getKey()), e.getValue());
        }
        ResolvedExperimentWriter.write(spec, dir);
        return sbatchAll(spec, submission, todo);
    }

    private List<String> directives(String name, String array, Path log, int cpus, boolean killOnInvalidDep) {
        List<String> d = new ArrayList<>();
        d.add("--job-name=" + name);
        if (array != null) {
            d.add("--array=" + array);
        }
        d.add("--output=" + log);
        d.add("--cpus-per-task=" + cpus);
        if (o.partition != null) {
            d.add("--partition=" + SlurmScripts.directiveValue("--partition", o.partition));
        }
        if (o.time != null) {
            d.add("--time=" + SlurmScripts.directiveValue("--time", o.time));
        }
        if (o.mem != null) {
            d.add("--mem=" + SlurmScripts.directiveValue("--mem", o.mem));
        }
        for (String a : o.sbatchArgs) {
            if (!a.startsWith("-")) {
                throw new ConfigException("--sbatch-arg " + a + ": expected an sbatch option, e.g. --account=lab");
            }
            d.add(SlurmScripts.directiveValue("--sbatch-arg", a));
        }
        if (killOnInvalidDep) {
            // If a pretraining fails, the array is cancelled instead of pending forever; the report job still runs.
            d.add("--kill-on-invalid-dep=yes");
        }
        return d;
    }

    private int cpus(ExperimentSpec spec) {
        int c = o.cpusPerTask != null ? o.cpusPerTask : spec.threads();
        if (c < 1) {
            throw new ConfigException("--cpus-per-task must be >= 1, got " + c);
        }
        return c;
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

    /** This JVM's flags, minus debugger and agent flags, with the code version pinned for the copied classes. */
    private static List<String> jvmArgs() {
        List<String> args = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-agentlib") || a.startsWith("-javaagent") || a.startsWith("-Xrunjdwp")
                    || a.startsWith("-Xdebug") || a.startsWith("-Dprunebench.version=")) {
                continue;
            }
            args.add(a);
        }
        args.add("-Dprunebench.version=" + Version.describe());
        return args;
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
                pretrainJob = sbatch(s.dir().resolve("pretrain.sbatch"), null, false).id();
                submitted.add(pretrainJob);
            }
            String runsJob = sbatch(s.dir().resolve("runs.sbatch"),
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
                Sbatch report = sbatch(s.dir().resolve("report.sbatch"), "afterany:" + runsJob, true);
                Files.writeString(s.dir().resolve("jobs.txt"), "report " + report.id() + "\n",
                        java.nio.file.StandardOpenOption.APPEND);
                Path log = s.dir().resolve("logs").resolve("report.out");
                if (Files.isRegularFile(log)) {
                    out.print(Files.readString(log));
                }
                return report.exitCode() == 0 ? Main.OK : Main.RUNS_FAILED;
            }
            String reportJob = sbatch(s.dir().resolve("report.sbatch"), "afterany:" + runsJob, false).id();
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
                List<String> cmd = new ArrayList<>(List.of("scancel"));
                cmd.addAll(submitted);
                try {
                    new ProcessBuilder(cmd).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }
    }

    /** A submitted job: its id, and with --wait its exit code. */
    record Sbatch(String id, int exitCode) {}

    private Sbatch sbatch(Path script, String dependency, boolean await) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable"));
        if (dependency != null) {
            cmd.add("--dependency=" + dependency);
        }
        if (await) {
            cmd.add("--wait");
        }
        cmd.add(script.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        byte[] stdout;
        byte[] stderr;
        int code;
        try {
            p.getOutputStream().close();
            var errText = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getErrorStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            stdout = p.getInputStream().readAllBytes();
            code = p.waitFor();
            stderr = errText.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running sbatch", e);
        }
        String text = new String(stdout, StandardCharsets.UTF_8).trim();
        String id = text.isEmpty() ? "" : text.lines().findFirst().orElse("").split(";")[0].trim();
        if (!id.matches("\\d+")) {
            throw new ConfigException("sbatch " + script + " failed (exit " + code + "): "
                    + new String(stderr, StandardCharsets.UTF_8).trim() + (text.isEmpty() ? "" : " " + text));
        }
        if (!await && code != 0) {
            throw new ConfigException("sbatch " + script + " failed (exit " + code + "): "
                    + new String(stderr, StandardCharsets.UTF_8).trim());
        }
        return new Sbatch(id, code);
    }

    /** The cluster's MaxArraySize ({@code scontrol show config}), or Slurm's default when it cannot be read. */
    private static int maxArraySize() {
        try {
            Process p = new ProcessBuilder("scontrol", "show", "config").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            for (String line : text.split("\n")) {
                String[] kv = line.split("=", 2);
                if (kv.length == 2 && kv[0].trim().equals("MaxArraySize")) {
                    return Integer.parseInt(kv[1].trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no scontrol, or an unexpected format: assume the default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DEFAULT_MAX_ARRAY;
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
