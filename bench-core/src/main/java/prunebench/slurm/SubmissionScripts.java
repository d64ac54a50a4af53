package prunebench.slurm;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.run.Version;

/**
 * The three scripts of one submission, as text: the arguments every job repeats, each job's #SBATCH directives
 * from the command line's options, and how the jobs start the JVM (this one's, on a snapshot of its classpath).
 */
final class SubmissionScripts {
    private final SlurmOptions o;

    SubmissionScripts(SlurmOptions options) {
        this.o = options;
    }

    /**
     * How every job starts the JVM: this process's java and flags, on a copy of {@code classpath} in {@code lib}
     * (with dry-run, only the names the copy would have: nothing is copied).
     */
    static SlurmScripts.Launch launch(String classpath, Path lib, boolean dryRun) throws IOException {
        List<ClasspathSnapshot.Entry> entries = ClasspathSnapshot.plan(classpath);
        List<Path> snapshot = dryRun ? entries.stream().map(e -> lib.resolve(e.name())).toList()
                : ClasspathSnapshot.materialize(entries, lib);
        return new SlurmScripts.Launch(
                ProcessHandle.current().info().command().orElse("java"), jvmArgs(), snapshot,
                System.getenv("DJL_CACHE_DIR"), Path.of("").toAbsolutePath(), System.getenv("PRUNEBENCH_DATA"));
    }

    /** The arguments of every job: the submitted experiment and run list, the overrides, the folders found here. */
    static List<String> commonArgs(Path experimentCopy, List<String> overrides, Path datasetDir, Path dir,
            boolean retryFailed, Path runsFile) {
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
        return common;
    }

    /**
     * The scripts by file name: {@code pretrain.sbatch} (when a dense model is missing: the array {@code pretrain}),
     * {@code runs.sbatch} (the array {@code pending} of tasks of {@code k} runs, of {@code tasks} in all) and
     * {@code report.sbatch}, for submission folder {@code sub} of results folder {@code dir}.
     */
    Map<String, String> render(ExperimentSpec spec, Path dir, Path sub, List<String> common,
            SlurmScripts.Launch launch, Set<Integer> pretrain, Set<Integer> pending, int k, int tasks, int runs) {
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
                List.of(header, "Task i runs the runs [" + k + "i, " + k + "i+" + k + ") of runs.txt (" + runs
                        + " runs, " + tasks + " tasks); finished runs are skipped"),
                runArgs), launch));
        List<String> reportArgs = new ArrayList<>(common);
        reportArgs.addAll(List.of("--stage", "report"));
        scripts.put("report.sbatch", SlurmScripts.render(new SlurmScripts.Job(base + "-report",
                directives(base + "-report", null, logs.resolve("report.out"), 1, false),
                List.of(header, "Rebuilds runs.csv and the report from the run records; lists failed and missing "
                        + "runs"),
                reportArgs), launch));
        return scripts;
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
}
