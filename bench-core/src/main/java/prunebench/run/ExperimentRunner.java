package prunebench.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.data.DataFingerprint;
import prunebench.data.DatasetRegistry;
import prunebench.data.ImageData;
import prunebench.model.ModelFactory;
import prunebench.model.ModelRegistry;
import prunebench.prune.StrategyRegistry;
import prunebench.util.AtomicFiles;
import prunebench.util.TorchLogLevel;

/**
 * Runs an experiment's grid into a results folder. Finished runs (those with a {@code metrics.json}) are skipped,
 * interrupted ones continue from their last checkpoint, and a run another process holds (its lock file) is left to
 * that process, so several runners on one folder share the work. {@code runs.csv} is rebuilt at the end.
 */
public final class ExperimentRunner {
    /**
     * How the grid went. {@code missing}: planned runs without a record once every worker finished (only
     * {@link #collect} fills it in).
     */
    public record Outcome(int total, int executed, int skipped, int busy, List<RunResult> failed,
            List<String> missing) {
        public Outcome(int total, int executed, int skipped, int busy, List<RunResult> failed) {
            this(total, executed, skipped, busy, failed, List.of());
        }
    }

    private final ModelRegistry models;
    private final DatasetRegistry datasets;
    private final StrategyRegistry strategies;
    private final PrintStream log;
    private final PlanChecks checks;

    public ExperimentRunner(ModelRegistry models, DatasetRegistry datasets, StrategyRegistry strategies,
            PrintStream log) {
        this.models = models;
        this.datasets = datasets;
        this.strategies = strategies;
        this.log = log;
        this.checks = new PlanChecks(datasets, strategies, log);
    }

    /** The device an experiment asks for; {@code gpu} without one is bad input. */
    public static Device device(ExperimentSpec.DeviceChoice choice) {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (choice) {
            case CPU -> Device.cpu();
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new ConfigException("device: gpu was requested but the PyTorch engine sees no CUDA GPU "
                            + "(engine " + Engine.getInstance().getVersion() + "). Use device: auto or cpu, or point "
                            + "DJL at a CUDA libtorch 2.7.1 (PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR="
                            + "cu128, libcudart.so on jna.library.path; the GPU bundle's gpu-run sets them: README, "
                            + "'GPU').");
                }
                yield Device.gpu();
            }
        };
    }

    /** Checks everything that can be checked before training: dataset, model, strategies, reachable compressions. */
    public Plan prepare(ExperimentSpec spec, Path resultsDir) {
        Plan p = loaded(spec, resultsDir);
        Device device = device(spec.device());
        TorchLogLevel.apply(); // the engine is loaded; nothing has been computed yet
        checks.checkReachable(spec, p.model(), p.data(), device);
        return new Plan(p.spec(), resultsDir, p.model(), p.data(), device, p.runs(), p.fingerprint());
    }

    /**
     * The plan of a dry run: the model, the grid and the dataset are checked, but the native engine is not started
     * (no device is chosen, which is null, and the compressions are not checked against the model's size). The data
     * is fingerprinted as for a real run, so the run ids listed are the ones a run will use. A dataset that is not
     * here but describes itself (the built-in ones) is planned from its description: the plan has no data and no
     * fingerprint, and its run ids lack the data's.
     */
    public Plan preview(ExperimentSpec spec, Path resultsDir) {
        ModelFactory model = models.get(spec.model());
        new GridPlanner(strategies).plan(spec); // strategy errors before the data is read
        if (datasets.find(spec.dataset()).isEmpty()
                && datasets.get(spec.dataset().name()).describe(spec.dataset().name()).isPresent()) {
            List<RunSpec> runs = new GridPlanner(strategies).plan(spec);
            prunebench.data.DataShape shape = datasets.get(spec.dataset().name()).describe(spec.dataset().name())
                    .orElseThrow().capped(spec.dataset().maxTrain(), spec.dataset().maxTest(),
                            spec.dataset().validation());
            new GridPlanner(strategies).checkTrainingSize(runs, shape.trainSize());
            return new Plan(spec, resultsDir, model, null, null, runs, null);
        }
        return loaded(spec, resultsDir);
    }

    /** {@link #preview}'s plan with the data read, checked against the model and fingerprinted into the run ids. */
    private Plan loaded(ExperimentSpec spec, Path resultsDir) {
        ModelFactory model = models.get(spec.model());
        new GridPlanner(strategies).plan(spec); // strategy errors before the data is read
        ImageData data = datasets.load(spec.dataset());
        checks.checkInput(spec, model, data);
        DataFingerprint fingerprint = DataFingerprint.of(data, datasets.locate(spec.dataset()));
        ExperimentSpec identified = spec.withDataset(spec.dataset().withContent(fingerprint.sha256()));
        List<RunSpec> runs = new GridPlanner(strategies).plan(identified);
        new GridPlanner(strategies).checkTrainingSize(runs, data.train().size());
        checks.checkStructured(spec, model, data); // a dry run too: this starts the engine only for structured strategies
        checks.checkLayerDensities(spec, model, data); // and for layer_densities, whose names are the model's
        return new Plan(identified, resultsDir, model, data, null, runs, fingerprint);
    }


    /**
     * A validated experiment, ready to run ({@code device} is null in a {@link #preview}); its dataset carries the
     * data's fingerprint, so its runs' identities do.
     */
    public record Plan(ExperimentSpec spec, Path resultsDir, ModelFactory model, ImageData data, Device device,
            List<RunSpec> runs, DataFingerprint fingerprint) {}


    public Outcome run(Plan plan, boolean retryFailed) throws IOException {
        return run(plan, retryFailed, 0, "");
    }

    /**
     * Runs the grid starting at run {@code offset} (wrapping around), so that parallel workers begin on different
     * seeds and do not queue behind one pretraining; {@code label} prefixes this worker's progress lines. A run
     * another process holds is left to it; once the rest is done, this runner waits for each such run's lock and
     * runs it if its holder died without finishing it.
     */
    public Outcome run(Plan plan, boolean retryFailed, int offset, String label) throws IOException {
        return run(plan, retryFailed, offset, new LineProgress(log, label));
    }

    /** As {@link #run(Plan, boolean, int, String)}, telling {@code sink} how it goes. */
    public Outcome run(Plan plan, boolean retryFailed, int offset, ProgressSink sink) throws IOException {
        Progress progress = new Progress(sink);
        ResultStore store = new ResultStore(plan.resultsDir(), progress::info);
        Files.createDirectories(plan.resultsDir().resolve("runs"));
        int leftovers = AtomicFiles.removeLeftovers(plan.resultsDir());
        if (leftovers > 0) {
            progress.info("removed " + leftovers + " temporary file(s) left by an interrupted process");
        }
        Workspace ws = workspace(plan, strategies, store, progress);
        DenseCache cache = new DenseCache(plan.resultsDir().resolve("pretrained"), ws);
        GridAttempts grid = new GridAttempts(plan, store, new RunExecutor(ws, cache, plan.spec().saveWeights()),
                progress, retryFailed, strategies);
        List<RunSpec> runs = plan.runs();
        progress.info(String.format("%s: %d runs (%s on %s, device %s) -> %s", plan.spec().name(), runs.size(),
                plan.spec().model(), plan.spec().dataset().name(), plan.device(), plan.resultsDir()));
        OtherDataNote.say(plan, progress);
        List<Integer> held = new ArrayList<>();
        for (int n = 0; n < runs.size(); n++) {
            int i = (n + offset) % runs.size();
            if (!grid.attempt(i, false)) {
                held.add(i);
            }
        }
        for (int i : held) {
            grid.attempt(i, true);
        }
        List<RunResult> all = store.all();
        store.writeRunsCsv(all);
        List<RunResult> failed = new ArrayList<>(grid.failed);
        for (RunResult r : all) {
            if (!r.ok() && failed.stream().noneMatch(f -> f.run_id().equals(r.run_id()))) {
                failed.add(r);
            }
        }
        return new Outcome(runs.size(), grid.executed, grid.skipped, grid.busy, failed);
    }


    /** What every run of this process shares (also used by {@link Pretraining}, so both train the same way). */
    static Workspace workspace(Plan plan, StrategyRegistry strategies, ResultStore store, Progress progress) {
        boolean augment = plan.spec().dataset().augment() != null ? plan.spec().dataset().augment()
                : plan.data().augmentByDefault();
        return Workspace.create(plan.data(), augment,
                prunebench.data.Normalization.of(plan.spec().dataset().normalize()), plan.model(), strategies,
                plan.device(), store, progress);
    }

    /**
     * The grid's state after every worker finished: rebuilds runs.csv from all records and lists every failed run,
     * whoever ran it, and every planned run that has no record (deleted meanwhile, or still held by another
     * runner), so that the grid's end accounts for every planned run.
     */
    public Outcome collect(Plan plan, Outcome mine) throws IOException {
        ResultStore store = new ResultStore(plan.resultsDir());
        List<RunResult> all = store.all();
        store.writeRunsCsv(all);
        java.util.Set<String> planned = new java.util.HashSet<>();
        plan.runs().forEach(r -> planned.add(r.runId()));
        List<RunResult> failed = all.stream().filter(r -> !r.ok() && planned.contains(r.run_id())).toList();
        java.util.Set<String> recorded = new java.util.HashSet<>();
        all.forEach(r -> recorded.add(r.run_id()));
        List<String> missing = plan.runs().stream().map(RunSpec::runId).filter(id -> !recorded.contains(id))
                .toList();
        return new Outcome(mine.total(), mine.executed(), mine.skipped(), mine.busy(), failed, missing);
    }


    static String fmt(double c) {
        return c == Math.rint(c) ? String.valueOf((long) c) : String.valueOf(c);
    }
}
