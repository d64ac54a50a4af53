package prunebench.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.data.DatasetProvider;
import prunebench.data.DatasetRegistry;
import prunebench.model.ModelFactory;
import prunebench.model.ModelRegistry;
import prunebench.prune.PruningStrategy;
import prunebench.prune.StrategyRegistry;
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
            WriteFailedException write = WriteFailures.of(e);
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
        ExperimentCommand command = new ExperimentCommand(this, new Registries(models, datasets, strategies, found),
                out, err);
        if (reportDirs != null) {
            return command.report();
        }
        if (experiment == null) {
            throw new ConfigException("no experiment file given; usage: run-experiment EXPERIMENT.yaml "
                    + "(see --help)");
        }
        return command.run();
    }

    /** The arguments as typed: the worker processes a grid starts are given the same ones. */
    List<String> rawArgs() {
        return rawArgs;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"prunebench " + prunebench.run.Version.describe()};
        }
    }
}
