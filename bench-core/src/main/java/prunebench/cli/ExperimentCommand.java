package prunebench.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentLoader;
import prunebench.config.ExperimentSpec;
import prunebench.config.ResolvedExperimentWriter;
import prunebench.report.Report;
import prunebench.report.ReportSpec;
import prunebench.run.ExperimentRunner;
import prunebench.run.ProgressSink.Level;
import prunebench.slurm.SlurmCommand;

/**
 * One experiment file with the parsed command line: loads and validates it, then runs its grid (here, in worker
 * processes or as Slurm jobs), lists it (--dry-run) or rebuilds its report (--report). {@link Main} owns the options
 * and the exit codes; this class owns what they mean for an experiment.
 */
final class ExperimentCommand {
    private final Main options;
    private final Registries registries;
    private final PrintStream out;
    private final PrintStream err;

    ExperimentCommand(Main options, Registries registries, PrintStream out, PrintStream err) {
        this.options = options;
        this.registries = registries;
        this.out = out;
        this.err = err;
    }

    /** Loads the experiment file with the --set overrides and runs it; errors point at the file's line. */
    int run() throws IOException {
        ExperimentLoader loader = loader();
        ExperimentSpec spec = loader.load(options.experiment, options.overrides);
        try {
            return run(spec);
        } catch (ConfigException e) {
            throw loader.located(e); // a strategy the planner refuses, at its line of the file
        }
    }

    /** --report: rebuilds the report of stored runs; with an experiment file, its report: section applies. */
    int report() {
        return new ReportCommand(out, err).run(options.reportDirs, options.results, options.references,
                () -> options.experiment == null ? null : reportSpec(loader().load(options.experiment,
                        options.overrides)));
    }

    private int run(ExperimentSpec spec) throws IOException {
        ReportSpec reportSpec = reportSpec(spec);
        reportSpec.checkReferences(); // a missing or malformed file stops here, not after the training
        Path dir = options.results != null ? options.results : Path.of("results", spec.name());
        ResultsFolder.check(dir);
        ExperimentRunner runner = new ExperimentRunner(registries.models(), registries.datasets(),
                registries.strategies(), err);
        if (options.dryRun && options.slurm.stage() == null) {
            return dryRun(spec, dir, runner);
        }
        if (spec.download() && options.workerIndex == null && options.slurm.stage() == null) {
            registries.datasets().download(spec.dataset(), err); // dataset.download: true, when it is not found
        }
        configureThreads(spec.threads());
        ExperimentRunner.Plan plan = runner.prepare(spec, dir);
        ResultsFolder.prepare(dir, options.fresh); // --fresh deletes only once everything else has been checked
        if (options.slurm.stage() != null) {
            return new SlurmCommand(options.slurm, out, err).stage(plan, runner, registries.strategies(),
                    options.retryFailed, reportSpec);
        }
        if (options.slurm.submits()) {
            return submitToSlurm(spec, plan, false);
        }
        int count = workerCount(spec, plan.runs().size());
        if (options.workerIndex != null) {
            WorkerProcesses.stopWithParent(err, "[w" + options.workerIndex + "]");
            int offset = plan.runs().size() * options.workerIndex / count;
            runner.run(plan, options.retryFailed, offset,
                    new WorkerPipe(err, options.verbose ? Level.DEBUG : Level.INFO));
            return Main.OK;
        }
        ResolvedExperimentWriter.write(spec, dir);
        Level threshold = options.quiet ? Level.WARN : options.verbose ? Level.DEBUG : Level.INFO;
        ExperimentRunner.Outcome outcome = GridExecution.run(runner, plan, options.retryFailed, count,
                options.rawArgs(), threshold, liveDisplay(), err);
        outcome = runner.collect(plan, outcome);
        ReportCommand reports = new ReportCommand(out, err);
        Path reportFile = ReportLibraries.missing().isEmpty() ? reports.write(() -> Report.rebuild(dir, reportSpec))
                : reports.skip(dir);
        return GridSummary.print(out, err, spec, dir, outcome, reportFile);
    }

    /**
     * Validates everything that needs no engine (the file, the dataset, the grid, the results folder and what
     * --fresh would delete) and lists the runs; writes nothing, and starts no native engine and no threads unless the
     * grid has an iterative or a structured strategy (then the network is built once on the CPU: imp's levels are
     * counted, a channel strategy is checked against the layers).
     */
    private int dryRun(ExperimentSpec spec, Path dir, ExperimentRunner runner) throws IOException {
        ExperimentRunner.Plan plan = runner.preview(spec, dir);
        if (options.fresh) {
            List<Path> doomed = ResultsFolder.freshDeletes(dir);
            err.printf("--fresh would delete %d entries of %s; a dry run deletes nothing%n", doomed.size(), dir);
        }
        if (options.slurm.submits()) {
            return submitToSlurm(spec, plan, true);
        }
        new DryRunListing(out, err).print(spec, dir, plan, registries.datasets(), registries.strategies(),
                workerCount(spec, plan.runs().size()));
        return Main.OK;
    }

    private int submitToSlurm(ExperimentSpec spec, ExperimentRunner.Plan plan, boolean dryRun) throws IOException {
        String classpath = registries.plugins().classpath(System.getProperty("java.class.path"));
        return new SlurmCommand(options.slurm, out, err, classpath).submit(options.experiment, options.overrides,
                options.retryFailed, dryRun, spec, plan,
                registries.datasets().locate(spec.dataset()).toAbsolutePath().normalize());
    }

    /**
     * The loader, with the report: section checked at load time (errors name file, line and key); its warnings are
     * printed once, by the command the user started, not by its workers or Slurm jobs.
     */
    private ExperimentLoader loader() {
        boolean spawned = options.workerIndex != null || options.slurm.stage() != null;
        return new ExperimentLoader(registries.models(), registries.datasets(), registries.strategies(),
                ReportSpec::parse, spawned ? w -> { } : err::println);
    }

    /** The report: section, validated before anything is trained. */
    private ReportSpec reportSpec(ExperimentSpec spec) {
        ReportSpec parsed = spec.report().isEmpty() ? ReportSpec.defaults() : ReportSpec.parse(spec.report());
        // --references are relative to the current directory, the file's own to the file
        return parsed.resolveReferences(options.experiment).withReferences(options.references);
    }

    /** Workers x threads stay within the cores unless the experiment or --workers asks for more. */
    int workerCount(ExperimentSpec spec, int runs) {
        int n = options.workers != null ? options.workers
                : spec.workers() != null ? spec.workers()
                : Math.min(ExperimentSpec.MAX_WORKERS,
                        Math.max(1, Runtime.getRuntime().availableProcessors() / spec.threads()));
        return Math.min(n, Math.max(1, runs));
    }

    /**
     * The live display when a person watches: stderr is a terminal, and neither --quiet nor --verbose asks for
     * lines. Logs, Slurm and CI get plain lines.
     */
    private boolean liveDisplay() {
        return !options.quiet && !options.verbose && err == System.err && LiveProgress.stderrIsTerminal();
    }

    /** Must run before the engine loads: libtorch reads its thread counts once. */
    static void configureThreads(int threads) {
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        prunebench.util.NativeMemory.retainFreedMemory();
    }
}
