package prunebench.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentLoader;
import prunebench.config.ExperimentSpec;
import prunebench.config.ResolvedExperimentWriter;
import prunebench.data.DataShape;
import prunebench.data.DatasetProvider;
import prunebench.data.DatasetRegistry;
import prunebench.model.ModelFactory;
import prunebench.model.ModelRegistry;
import prunebench.prune.PruningStrategy;
import prunebench.prune.StrategyRegistry;
import prunebench.report.Report;
import prunebench.report.ReportSpec;
import prunebench.run.ExperimentRunner;
import prunebench.run.GridCost;
import prunebench.run.LineProgress;
import prunebench.run.NetworkSize;
import prunebench.run.ProgressSink;
import prunebench.run.ProgressSink.Level;
import prunebench.run.RecordedRuns;
import prunebench.run.RunOutline;
import prunebench.run.RunStatus;
import prunebench.run.RunResult;
import prunebench.slurm.SlurmCommand;
import prunebench.slurm.SlurmOptions;
import prunebench.util.WriteFailedException;

/**
 * {@code run-experiment}: runs an experiment's grid, or rebuilds its report. Exit 0 done, 1 runs failed, 2 bad input,
 * 3 a results file could not be written.
 */
@Command(name = "run-experiment", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = Main.VersionProvider.class,
        description = {"Trains, prunes and fine-tunes the grid strategies x compressions x seeds of an experiment "
                + "file, then writes runs.csv, summary.csv and figures to results/<name>/.",
                "Rerunning the same command skips finished runs and resumes interrupted ones."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every run finished", "1:one or more runs failed (listed at the end)",
                "2:bad input: experiment file, --set, dataset, results folder",
                "3:a results file could not be written (disk full, no permission); nothing already recorded is lost"})
public final class Main implements Callable<Integer> {
    public static final int OK = 0;
    public static final int RUNS_FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int WRITE_FAILED = 3;

    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPERIMENT.yaml", description = "the experiment file")
    Path experiment;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a key, e.g. --set pretrain.epochs=1 --set seeds=[0] (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--results", paramLabel = "DIR", description = "results folder (default: results/<name>)")
    Path results;

    @Option(names = "--fresh", description = "delete this experiment's previous results and start over")
    boolean fresh;

    @Option(names = "--retry-failed", description = "run again the runs recorded as failed")
    boolean retryFailed;

    @Option(names = "--budget", paramLabel = "F",
            description = "scale every epoch count by F (0 < F <= 1) to smoke-test a long protocol; results are marked "
                    + "as scaled (runs.csv budget column, report banner). Same as --set budget=F")
    Double budget;

    @Option(names = "--references", arity = "1..*", paramLabel = "FILE",
            description = "published results (CSV) to draw and compare with in the report; added to the report: "
                    + "section's references")
    List<Path> references = new ArrayList<>();

    @Option(names = "--dry-run", description = "validate the experiment and list its runs; train nothing")
    boolean dryRun;

    @Option(names = "--download", paramLabel = "DATASET",
            description = "fetch a dataset (mnist, fashion-mnist, cifar10, cifar100) from where it is published into "
                    + "$PRUNEBENCH_DATA/DATASET (default ./data/DATASET), checking the published checksums; resumes an "
                    + "interrupted download. With an experiment file, then runs it")
    String download;

    @Option(names = "--list", description = "list the available models, datasets and strategies")
    boolean list;

    @Option(names = "--plugins", paramLabel = "PATH",
            description = "a jar or class folder with your own strategies, models or datasets (registered in "
                    + "META-INF/services like the built-in ones), repeatable; also PRUNEBENCH_PLUGINS, colon-separated")
    List<Path> plugins = new ArrayList<>();

    @Option(names = "--report", arity = "1..*", paramLabel = "RESULTS_DIR",
            description = "rebuild tables and figures from stored runs without training; several folders make one "
                    + "combined report (written to --results, default results/combined). With an experiment file, its "
                    + "report: section chooses the figures.")
    List<Path> reportDirs;

    @Option(names = {"-q", "--quiet"}, description = "print only errors and the final summary")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "print every progress line, every training batch included, "
            + "as plain lines")
    boolean verbose;

    @Option(names = "--workers", paramLabel = "N",
            description = "parallel run processes (default: the experiment's workers, else cores / threads)")
    Integer workers;

    /** Set on the processes a runner starts: which worker this is (1..N-1); they skip the final report. */
    @Option(names = "--worker-index", hidden = true)
    Integer workerIndex;

    /** --slurm and its options (SlurmOptions), and the hidden --stage/--task-index of the Slurm jobs. */
    @CommandLine.Mixin
    SlurmOptions slurm = new SlurmOptions();

    private final PrintStream out;
    private final PrintStream err;
    private List<String> rawArgs = List.of();

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Main main = new Main(out, err);
        main.rawArgs = List.of(args);
        CommandLine cli = new CommandLine(main);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                err.println("error: " + e.getMessage());
                return BAD_INPUT;
            }
            WriteFailedException write = writeFailure(e);
            if (write != null) {
                err.println("error: " + write.getMessage() + "; the runs already recorded are kept, "
                        + (write.diskFull() ? "free some space" : "fix this") + " and rerun the same command");
                return WRITE_FAILED;
            }
            throw e;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("error: " + e.getMessage());
            e.getCommandLine().usage(err);
            return BAD_INPUT;
        });
        return cli.execute(args);
    }

    /**
     * The failed write behind {@code e}, if a file that could not be written is what stopped the command: one that
     * went through AtomicFiles, or any other file operation (a folder, a lock file) the disk was too full for.
     */
    static WriteFailedException writeFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WriteFailedException w) {
                return w;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.file.FileSystemException f && f.getFile() != null
                    && String.valueOf(f.getReason()).contains("No space left on device")) {
                return new WriteFailedException(Path.of(f.getFile()), f);
            }
        }
        return null;
    }

    @Override
    public Integer call() throws IOException {
        slurm.check();
        if (quiet && verbose) {
            throw new ConfigException("--quiet and --verbose exclude each other; choose one");
        }
        if (workers != null && (workers < 1 || workers > ExperimentSpec.MAX_WORKERS)) {
            throw new ConfigException("--workers must be from 1 to " + ExperimentSpec.MAX_WORKERS + ", got " + workers);
        }
        if (budget != null) {
            if (!(budget > 0 && budget <= 1)) {
                throw new ConfigException("--budget: must be a fraction of the epochs in (0, 1], got " + budget);
            }
            overrides.add("budget=" + budget); // travels with the --set overrides (workers, Slurm jobs)
        }
        Plugins found = Plugins.of(plugins, System.getenv("PRUNEBENCH_PLUGINS"));
        List<ModelFactory> modelList = found.load(ModelFactory.class, "model", m -> List.of(m.name()));
        List<DatasetProvider> datasetList = found.load(DatasetProvider.class, "dataset", DatasetProvider::names);
        List<PruningStrategy> strategyList = found.load(PruningStrategy.class, "strategy", s -> List.of(s.name()));
        ModelRegistry models = new ModelRegistry(modelList);
        DatasetRegistry datasets = new DatasetRegistry(datasetList, System.getenv());
        StrategyRegistry strategies = new StrategyRegistry(strategyList);
        if (list) {
            out.println("models:     " + String.join(", ", models.names()));
            out.println("datasets:   " + String.join(", ", datasets.names()));
            out.println("strategies: " + String.join(", ", strategies.names()));
            ListOrigins.print(out, found, modelList, datasetList, strategyList);
            return OK;
        }
        if (download != null) {
            datasets.get(download); // an unknown name: exit 2 with the known ones
            datasets.download(new prunebench.config.DatasetSpec(download, null, null, null, null), err);
            if (experiment == null) {
                return OK;
            }
        }
        if (reportDirs != null) {
            return report(models, datasets, strategies);
        }
        if (experiment == null) {
            throw new ConfigException("no experiment file given; usage: run-experiment EXPERIMENT.yaml "
                    + "(see --help)");
        }
        ExperimentSpec spec = loader(models, datasets, strategies).load(experiment, overrides);
        ReportSpec reportSpec = reportSpec(spec);
        reportSpec.checkReferences(); // a missing or malformed file stops here, not after the training
        Path dir = results != null ? results : Path.of("results", spec.name());
        ResultsFolder.check(dir);
        ExperimentRunner runner = new ExperimentRunner(models, datasets, strategies, err);
        if (dryRun && slurm.stage() == null) {
            return dryRun(spec, dir, runner, datasets, strategies, found);
        }
        if (spec.download() && workerIndex == null && slurm.stage() == null) {
            datasets.download(spec.dataset(), err); // dataset.download: true, when it is not found
        }
        configureThreads(spec.threads());
        ExperimentRunner.Plan plan = runner.prepare(spec, dir);
        prepareResultsDir(dir); // --fresh deletes only once everything else has been checked
        if (slurm.stage() != null) {
            return new SlurmCommand(slurm, out, err).stage(plan, runner, strategies, retryFailed, reportSpec);
        }
        if (slurm.submits()) {
            return new SlurmCommand(slurm, out, err, found.classpath(System.getProperty("java.class.path")))
                    .submit(experiment, overrides, retryFailed, false, spec, plan,
                    datasets.locate(spec.dataset()).toAbsolutePath().normalize());
        }
        int count = workerCount(spec, plan.runs().size());
        if (workerIndex != null) {
            WorkerProcesses.stopWithParent(err, "[w" + workerIndex + "]");
            int offset = plan.runs().size() * workerIndex / count;
            runner.run(plan, retryFailed, offset, new WorkerPipe(err, verbose ? Level.DEBUG : Level.INFO));
            return OK;
        }
        ResolvedExperimentWriter.write(spec, dir);
        Thread interrupted = new Thread(() -> err.println("\ninterrupted: finished runs are kept and an "
                + "interrupted run resumes from its last epoch; rerun the same command to continue"));
        Runtime.getRuntime().addShutdownHook(interrupted);
        ExperimentRunner.Outcome outcome;
        long start = System.nanoTime(); // the one clock of every worker's lines
        Level threshold = quiet ? Level.WARN : verbose ? Level.DEBUG : Level.INFO;
        LiveProgress live = liveDisplay() ? new LiveProgress(err, start, count, plan.runs().size(), null) : null;
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
        outcome = runner.collect(plan, outcome);
        Path reportFile = ReportLibraries.missing().isEmpty() ? writeReport(() -> Report.rebuild(dir, reportSpec))
                : skipReport(dir);
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
            return RUNS_FAILED;
        }
        return reportFile == null ? RUNS_FAILED : OK;
    }

    /**
     * Validates everything that needs no engine (the file, the dataset, the grid, the results folder and what
     * --fresh would delete) and lists the runs; writes nothing, starts no native engine and no threads.
     */
    private Integer dryRun(ExperimentSpec spec, Path dir, ExperimentRunner runner, DatasetRegistry datasets,
            StrategyRegistry strategies, Plugins found) throws IOException {
        ExperimentRunner.Plan plan = runner.preview(spec, dir);
        if (fresh) {
            List<Path> doomed = ResultsFolder.freshDeletes(dir);
            err.printf("--fresh would delete %d entries of %s; a dry run deletes nothing%n", doomed.size(), dir);
        }
        if (slurm.submits()) {
            return new SlurmCommand(slurm, out, err, found.classpath(System.getProperty("java.class.path")))
                    .submit(experiment, overrides, retryFailed, true, spec, plan,
                    datasets.locate(spec.dataset()).toAbsolutePath().normalize());
        }
        out.printf("%s: %d runs, device %s, results in %s%n", spec.name(), plan.runs().size(),
                spec.device().name().toLowerCase(java.util.Locale.ROOT), dir);
        String dataset = spec.dataset().name();
        DataShape shape;
        if (plan.data() == null) {
            shape = datasets.get(dataset).describe(dataset).orElseThrow()
                    .capped(spec.dataset().maxTrain(), spec.dataset().maxTest(), spec.dataset().validation());
            err.printf("note: dataset '%s' is not here (%s): planned from its description (%s images, %d classes, %,d "
                    + "training images); the run ids below lack the data's fingerprint, so they change once the data "
                    + "is here; get it with: ./run-experiment --download %s%n", dataset,
                    String.join(", ", datasets.candidates(spec.dataset()).stream().map(Path::toString).toList()),
                    shape.image(), shape.classes(), shape.trainSize(), dataset);
            if (spec.download()) {
                err.printf("dataset.download: true: a run downloads it first, into %s%n",
                        datasets.downloadTarget(spec.dataset()));
            }
        } else {
            shape = DataShape.of(plan.data());
        }
        if (spec.budget() < 1) {
            out.printf("budget %s: every epoch count scaled (pretrain %d, finetune %d epochs)%n",
                    spec.budget(), plan.runs().isEmpty() ? 0 : plan.runs().get(0).pretrain().epochs(),
                    plan.runs().isEmpty() ? 0 : plan.runs().get(0).finetune().epochs());
        }
        // Per run: when it prunes and how long it trains after (a pruned trained network that trains 0 epochs
        // says "no fine-tuning").
        // and, in a folder with runs, whether each is done, failed, running (another process holds its lock) or
        // interrupted. Standard output is the run list, one run a line; notes and the grid's cost go to the error
        // stream, like every other note.
        List<RunStatus> statuses = plan.runs().stream().map(r -> RunStatus.of(dir, r.runId())).toList();
        NetworkSize size = iterativeSize(plan, strategies, shape);
        int width = plan.runs().stream().mapToInt(r -> r.runId().length()).max().orElse(0);
        int outlineWidth = plan.runs().stream().mapToInt(r -> RunOutline.of(r, strategies, size).describe().length())
                .max().orElse(0);
        for (int i = 0; i < plan.runs().size(); i++) {
            var r = plan.runs().get(i);
            String mark = statuses.get(i).mark();
            String outline = RunOutline.of(r, strategies, size).describe();
            out.println(String.format("  %-" + width + "s  %-" + outlineWidth + "s  %s", r.runId(), outline,
                    mark.isEmpty() ? "" : "[" + mark + "]").stripTrailing());
        }
        err.println(GridCost.of(plan.runs(), statuses, plan.model(), shape,
                workerCount(spec, plan.runs().size()), spec.threads(), dir,
                r -> RunOutline.totalEpochs(r, strategies, size)).describe());
        return OK;
    }

    /**
     * The network's size when an iterative run needs it for its number of levels: the one case where a dry run
     * builds the network (on the CPU, starting the native engine); null when no run is iterative or the engine
     * cannot start here (the outline then gives the levels' rate and target instead of their number).
     */
    private NetworkSize iterativeSize(ExperimentRunner.Plan plan, StrategyRegistry strategies, DataShape d) {
        boolean iterative = plan.runs().stream().anyMatch(r -> !r.isDenseControl()
                && strategies.get(r.strategy().name()) instanceof prunebench.prune.Imp);
        if (!iterative) {
            return null;
        }
        try {
            return NetworkSize.of(plan.spec(), plan.model(), new ai.djl.ndarray.types.Shape(d.channels(), d.height(),
                    d.width()), d.classes());
        } catch (RuntimeException | LinkageError e) {
            err.println("note: cannot build the network to count the iterative runs' levels (" + e.getMessage()
                    + ")");
            return null;
        }
    }

    /**
     * The loader, with the report: section checked at load time (errors name file, line and key); its warnings are
     * printed once, by the command the user started, not by its workers or Slurm jobs.
     */
    private ExperimentLoader loader(ModelRegistry models, DatasetRegistry datasets, StrategyRegistry strategies) {
        boolean spawned = workerIndex != null || slurm.stage() != null;
        return new ExperimentLoader(models, datasets, strategies, ReportSpec::parse,
                spawned ? w -> { } : err::println);
    }

    private Integer report(ModelRegistry models, DatasetRegistry datasets, StrategyRegistry strategies) {
        if (!ReportLibraries.missing().isEmpty()) {
            throw new ConfigException("--report needs the report libraries (" + String.join(", ",
                    ReportLibraries.missing()) + "), which this installation leaves out (the GPU bundle); copy the "
                    + "results folder to a full build and run ./run-experiment --report DIR there");
        }
        if (reportDirs.size() == 1 && results != null
                && !results.toAbsolutePath().normalize().equals(reportDirs.get(0).toAbsolutePath().normalize())) {
            throw new ConfigException("--results " + results + " with --report " + reportDirs.get(0) + ": a folder's "
                    + "report is written into that folder; --results names where a combined report of several "
                    + "folders goes (--report A B --results OUT). Leave --results out, or name more folders");
        }
        ReportSpec spec = experiment == null ? null
                : reportSpec(loader(models, datasets, strategies).load(experiment, overrides));
        List<String> missing = new ArrayList<>();
        for (Path d : reportDirs) {
            // the records, not a runs.csv that may be stale or gone, are what the report shows
            RecordedRuns.refresh(d).forEach(id -> missing.add(d.resolve("runs").resolve(id).toString()));
            if (!Files.isRegularFile(d.resolve("runs.csv"))) {
                throw new ConfigException(d + ": no runs.csv here; run the experiment first (results folders are "
                        + "results/<name>/)");
            }
        }
        Path file;
        if (reportDirs.size() == 1) {
            Path d = reportDirs.get(0);
            file = writeReport(() -> spec == null ? Report.rebuild(d, references) : Report.rebuild(d, spec));
        } else {
            Path outDir = results != null ? results : Path.of("results", "combined");
            ResultsFolder.check(outDir);
            file = writeReport(() -> Report.rebuildCombined(reportDirs, outDir,
                    spec == null ? ReportSpec.defaults().withReferences(references) : spec));
        }
        if (!missing.isEmpty()) {
            err.println("missing runs (listed in runs.csv or with a run folder, but no metrics.json: deleted, or still "
                    + "running); the report leaves them out:");
            missing.forEach(id -> err.println("  " + id));
            err.println("rerun the experiment to run them again");
            return RUNS_FAILED;
        }
        return file == null ? RUNS_FAILED : OK;
    }

    /** The report: section, validated before anything is trained. */
    private ReportSpec reportSpec(ExperimentSpec spec) {
        ReportSpec parsed = spec.report().isEmpty() ? ReportSpec.defaults() : ReportSpec.parse(spec.report());
        return parsed.resolveReferences(experiment).withReferences(references); // --references: the current directory
    }

    /** Without the report libraries (the GPU bundle) the grid ends at runs.csv; the rest is rebuilt elsewhere. */
    private Path skipReport(Path dir) {
        Path runsCsv = dir.resolve("runs.csv");
        out.println("report: skipped, this installation leaves out the report libraries; runs: " + runsCsv
                + "; build tables and figures on a full build with: ./run-experiment --report " + dir);
        return runsCsv;
    }

    /** Writes the report; a failure is reported without touching the runs already recorded. */
    private Path writeReport(java.util.function.Supplier<Path> writer) {
        try {
            Path file = writer.get();
            out.println("report: " + file);
            return file;
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            if (writeFailure(e) != null) {
                throw e; // a full disk: one line and exit 3, like during training
            }
            err.println("error: could not write the report (the runs are kept; retry with --report): " + e);
            return null;
        }
    }

    /** Workers x threads stay within the cores unless the experiment or --workers asks for more. */
    int workerCount(ExperimentSpec spec, int runs) {
        int n = workers != null ? workers
                : spec.workers() != null ? spec.workers()
                : Math.min(ExperimentSpec.MAX_WORKERS,
                        Math.max(1, Runtime.getRuntime().availableProcessors() / spec.threads()));
        return Math.min(n, Math.max(1, runs));
    }

    private void prepareResultsDir(Path dir) throws IOException {
        if (fresh) {
            ResultsFolder.deleteForFresh(dir);
        }
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
            ResultsFolder.mark(dir);
        } catch (IOException e) {
            throw new ConfigException("results folder " + dir + " is not writable: " + e.getMessage());
        }
    }

    /**
     * The live display when a person watches: stderr is a terminal, and neither --quiet nor --verbose asks for
     * lines. Logs, Slurm and CI get plain lines.
     */
    private boolean liveDisplay() {
        return !quiet && !verbose && err == System.err && LiveProgress.stderrIsTerminal();
    }

    /** Must run before the engine loads: libtorch reads its thread counts once. */
    static void configureThreads(int threads) {
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        prunebench.util.NativeMemory.retainFreedMemory();
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"prunebench " + prunebench.run.Version.describe()};
        }
    }
}
