package prunebench.run;

import prunebench.config.Canonical;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.DoubleFunction;
import java.util.stream.Stream;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.data.DataFingerprint;
import prunebench.data.DatasetRegistry;
import prunebench.data.ImageData;
import prunebench.model.ModelFactory;
import prunebench.model.ModelRegistry;
import prunebench.model.Network;
import prunebench.model.TorchNames;
import prunebench.prune.CompressionBudget;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyRegistry;
import prunebench.train.DivergenceException;
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

    public ExperimentRunner(ModelRegistry models, DatasetRegistry datasets, StrategyRegistry strategies,
            PrintStream log) {
        this.models = models;
        this.datasets = datasets;
        this.strategies = strategies;
        this.log = log;
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
        checkReachable(spec, p.model(), p.data(), device);
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
        checkInput(spec, model, data);
        DataFingerprint fingerprint = DataFingerprint.of(data, datasets.locate(spec.dataset()));
        ExperimentSpec identified = spec.withDataset(spec.dataset().withContent(fingerprint.sha256()));
        List<RunSpec> runs = new GridPlanner(strategies).plan(identified);
        new GridPlanner(strategies).checkTrainingSize(runs, data.train().size());
        checkStructured(spec, model, data); // a dry run too: this starts the engine only for structured strategies
        checkLayerDensities(spec, model, data); // and for layer_densities, whose names are the model's
        return new Plan(identified, resultsDir, model, data, null, runs, fingerprint);
    }

    /** A CPU manager for building a network to check, with libtorch's warnings kept off the terminal. */
    private static NDManager cpuManager() {
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        TorchLogLevel.apply();
        return manager;
    }

    /**
     * A validated experiment, ready to run ({@code device} is null in a {@link #preview}); its dataset carries the
     * data's fingerprint, so its runs' identities do.
     */
    public record Plan(ExperimentSpec spec, Path resultsDir, ModelFactory model, ImageData data, Device device,
            List<RunSpec> runs, DataFingerprint fingerprint) {}

    /**
     * The model against the images read, for datasets that could not describe themselves when the experiment was
     * loaded (image folders, plug-ins); the loader checked the others.
     */
    private void checkInput(ExperimentSpec spec, ModelFactory model, ImageData data) {
        String name = spec.dataset().name();
        if (datasets.get(name).describe(name).isPresent()) {
            return;
        }
        prunebench.data.DataShape shape = prunebench.data.DataShape.of(data);
        prunebench.model.InputFit.refusal(model, name, shape).ifPresent(why -> {
            throw new ConfigException("model: " + why);
        });
        prunebench.model.InputFit.warning(model, name, shape).ifPresent(why -> log.println("warning: model: " + why));
    }

    /** Structured strategies' layer names exist in the model; their targets count all parameters. */
    private void checkStructured(ExperimentSpec spec, ModelFactory model, ImageData data) {
        for (prunebench.config.StrategySpec s : spec.pruning().strategies()) {
            StrategyAxes axes = StrategyAxes.of(s, strategies); // gmp with a channel score prunes channels too
            if (!(axes.scorer() instanceof prunebench.prune.structured.StructuredStrategy structured)) {
                continue;
            }
            if (axes.scorer() == axes.strategy() && !structured.removesChannels(axes.options())) {
                checkSingleWeightTargets(spec, model, data, s, structured, axes.options());
                continue; // single-weight masks (soft_filter zeroing filters only)
            }
            if (prunebench.config.PruningSpec.PRUNABLE.equals(spec.pruning().compressionOf())) {
                throw new ConfigException("pruning.compression_of: prunable applies to weight pruning; strategy '"
                        + s.label() + "' removes channels, whose targets count all parameters (or multiply-adds)");
            }
            try (NDManager manager = cpuManager()) {
                Network net = checkedNetwork(model, data, manager);
                prunebench.prune.structured.ChannelPruner pruner = new prunebench.prune.structured.ChannelPruner(net);
                pruner.checkOptions(axes.scorer() != axes.strategy() ? axes.scorerOptions()
                        : new prunebench.prune.StrategyOptions(s.name(), structured.parameterDefaults(), s.params()));
                structured.checkNetwork(net, pruner.groups());
            } catch (ConfigException e) {
                throw new ConfigException("strategy '" + s.label() + "': " + e.getMessage());
            }
        }
    }

    /** {@code layer_densities} names every prunable tensor of the model once, and only those. */
    private void checkLayerDensities(ExperimentSpec spec, ModelFactory model, ImageData data) {
        for (prunebench.config.StrategySpec s : spec.pruning().strategies()) {
            StrategyAxes axes = StrategyAxes.of(s, strategies);
            if (axes.distribution() != prunebench.prune.Distribution.LAYER_DENSITIES) {
                continue;
            }
            try (NDManager manager = cpuManager()) {
                Network net = checkedNetwork(model, data, manager);
                prunebench.prune.LayerDensities.resolve(prunebench.prune.LayerDensities.of(axes.options()),
                        PruningTargets.of(net, spec.pruning().pruneClassifier(), spec.pruning().pruneBiases()),
                        TorchNames.of(model, net), spec.model());
            } catch (ConfigException e) {
                throw new ConfigException("strategy '" + s.label() + "': " + e.getMessage());
            }
        }
    }

    /** The experiment's model on its data, built (seed 0) only to be checked. */
    private static Network checkedNetwork(ModelFactory model, ImageData data, NDManager manager) {
        return Network.create(model, new ai.djl.ndarray.types.Shape(data.channels(), data.height(), data.width()),
                data.numClasses(), manager, 0);
    }

    /**
     * The budget of a compression on this network as the runs count it ({@link RunExecutor#budget}): of all
     * trainable parameters, or with {@code compression_of: prunable} of the prunable tensors only.
     */
    private static DoubleFunction<CompressionBudget> budgets(ExperimentSpec spec, Network net,
            List<PruningTarget> targets) {
        long total = net.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
        long prunable = targets.stream().mapToLong(PruningTarget::size).sum();
        boolean ofPrunable = prunebench.config.PruningSpec.PRUNABLE.equals(spec.pruning().compressionOf());
        return c -> ofPrunable ? new CompressionBudget(prunable, prunable, c)
                : new CompressionBudget(total, prunable, c);
    }

    /** A structured strategy with single-weight masks meets every compression of the grid, or says why not. */
    private static void checkSingleWeightTargets(ExperimentSpec spec, ModelFactory model, ImageData data,
            prunebench.config.StrategySpec s, prunebench.prune.structured.StructuredStrategy structured,
            prunebench.prune.StrategyOptions options) {
        try (NDManager manager = cpuManager()) {
            Network net = checkedNetwork(model, data, manager);
            List<PruningTarget> targets = PruningTargets.of(net, spec.pruning().pruneClassifier(),
                    spec.pruning().pruneBiases());
            DoubleFunction<CompressionBudget> budget = budgets(spec, net, targets);
            for (double c : spec.pruning().compressions()) {
                if (c <= 1) {
                    continue; // the dense control
                }
                long keep = budget.apply(c).keep();
                structured.checkTarget(net, targets, options, c, keep);
            }
        } catch (ConfigException e) {
            throw new ConfigException("strategy '" + s.label() + "': " + e.getMessage());
        }
    }

    private void checkReachable(ExperimentSpec spec, ModelFactory model, ImageData data, Device device) {
        try (NDManager manager = cpuManager()) {
            Network net = checkedNetwork(model, data, manager);
            try {
                TorchNames.of(model, net); // the names of the output files, checked before any training
            } catch (IllegalStateException e) {
                throw new ConfigException("model " + spec.model() + ": " + e.getMessage());
            }
            checkPenalties(spec, net);
            List<PruningTarget> targets = PruningTargets.of(net, spec.pruning().pruneClassifier(),
                    spec.pruning().pruneBiases());
            DoubleFunction<CompressionBudget> budget = budgets(spec, net, targets);
            for (double c : spec.pruning().compressions()) {
                try {
                    budget.apply(c).keep();
                } catch (ConfigException e) {
                    throw new ConfigException("pruning.compressions: " + e.getMessage());
                }
            }
        }
    }

    /** A penalty on BatchNorm scales needs a model that has some: said before anything is trained. */
    private void checkPenalties(ExperimentSpec spec, Network net) {
        if (!net.batchNormScales().isEmpty()) {
            return;
        }
        String none = "l1_bn acts on BatchNorm scales, but model " + spec.model() + " has no BatchNorm";
        for (var section : List.of(java.util.Map.entry("pretrain", spec.pretrain()),
                java.util.Map.entry("finetune", spec.finetune()))) {
            if (section.getValue().penalty() != null
                    && section.getValue().penalty().name().equals(prunebench.config.PenaltySpec.L1_BN)) {
                throw new ConfigException(section.getKey() + ".penalty: " + none);
            }
        }
        for (prunebench.config.StrategySpec s : spec.pruning().strategies()) {
            if (strategies.get(s.name()) instanceof prunebench.prune.PenalizedStrategy p
                    && p.penalty(new prunebench.prune.StrategyOptions(s.name(), p.parameterDefaults(), s.params()))
                            .name().equals(prunebench.config.PenaltySpec.L1_BN)) {
                throw new ConfigException("strategy '" + s.label() + "': " + none);
            }
        }
    }

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
        Grid grid = new Grid(plan, store, new RunExecutor(ws, cache, plan.spec().saveWeights()), progress,
                retryFailed);
        List<RunSpec> runs = plan.runs();
        progress.info(String.format("%s: %d runs (%s on %s, device %s) -> %s", plan.spec().name(), runs.size(),
                plan.spec().model(), plan.spec().dataset().name(), plan.device(), plan.resultsDir()));
        noteOtherData(plan, progress);
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

    /** The runs of one invocation and what became of them. */
    private final class Grid {
        final Plan plan;
        final ResultStore store;
        final RunExecutor executor;
        final Progress progress;
        final boolean retryFailed;
        final List<RunResult> failed = new ArrayList<>();
        int executed;
        int skipped;
        int busy;

        Grid(Plan plan, ResultStore store, RunExecutor executor, Progress progress, boolean retryFailed) {
            this.plan = plan;
            this.store = store;
            this.executor = executor;
            this.progress = progress;
            this.retryFailed = retryFailed;
        }

        private boolean done(String id) {
            return store.finished(id).map(r -> !retryFailed || r.ok()).orElse(false);
        }

        /**
         * Runs run {@code i} unless it is finished; returns false when another process holds it and {@code wait}
         * is false.
         */
        boolean attempt(int i, boolean wait) throws IOException {
            List<RunSpec> runs = plan.runs();
            RunSpec spec = runs.get(i);
            String id = spec.runId();
            Path dir = store.runDir(id);
            recordSettings(plan.spec(), spec, store);
            if (done(id)) {
                skipped++;
                completeManifest(dir, spec);
                found(id);
                return true;
            }
            Files.createDirectories(dir);
            Path lockFile = dir.resolve(".lock");
            RunLock lock = RunLock.tryAcquire(lockFile);
            if (lock == null && !wait) {
                progress.info(String.format("run %d/%d %s: held by %s; coming back to it at the end", i + 1,
                        runs.size(), id, RunLock.holder(lockFile)));
                return false;
            }
            if (lock == null) {
                progress.info(String.format("run %d/%d %s: waiting for %s", i + 1, runs.size(), id,
                        RunLock.holder(lockFile)));
                lock = RunLock.acquire(lockFile);
            }
            try (RunLock held = lock) {
                if (done(id)) {
                    if (wait) {
                        busy++; // finished by the process that held it
                    } else {
                        skipped++;
                    }
                    completeManifest(dir, spec);
                    found(id);
                    return true;
                }
                if (store.isFinished(id)) {
                    store.keepFailedAttempt(id);
                }
                execute(i, spec, id, dir);
                return true;
            }
        }

        /** Tells the display about a run finished before this runner came to it. */
        private void found(String id) {
            progress.sink().runFound(id, store.finished(id).map(RunResult::ok).orElse(true), plan.runs().size());
        }

        private void execute(int i, RunSpec spec, String id, Path dir) throws IOException {
            List<RunSpec> runs = plan.runs();
            progress.startRun(i + 1, runs.size(), id, String.format("%s  compression %s  seed %d  %s  [%s]",
                    spec.strategy().label(), fmt(spec.compression()), spec.seed(),
                    RunOutline.of(spec, strategies).describe(), id));
            Instant started = Instant.now();
            long t0 = System.nanoTime();
            RunResult result;
            String controlKey = spec.isDenseControl() ? Canonical.hash(new DenseControl(spec)) : null;
            RunResult control = controlKey == null ? null : store.control(controlKey);
            if (control != null) {
                result = control.as(spec, id);
                progress.info("  dense control: same as " + control.run_id());
            } else {
                try {
                    result = executor.execute(spec, id);
                } catch (DivergenceException | ConfigException | IllegalStateException
                        | IllegalArgumentException | ai.djl.engine.EngineException e) {
                    result = RunResult.failed(spec, id, e.getClass().getSimpleName() + ": " + e.getMessage(),
                            (System.nanoTime() - t0) / 1e9);
                }
            }
            // The manifest first: a process killed between the two files leaves an unfinished run (rerun), never a
            // finished one without its manifest.
            Manifest.write(dir.resolve(Manifest.FILE), plan.device(), started, Instant.now(), spec.identity(),
                    plan.fingerprint());
            store.save(result);
            executed++;
            // The time it took here (a dense control copied from another run takes none): what an ETA needs.
            double took = (System.nanoTime() - t0) / 1e9;
            if (result.ok()) {
                if (controlKey != null && control == null) {
                    store.saveControl(controlKey, result);
                }
                progress.sink().runEnded(id, true, took, String.format(java.util.Locale.ROOT,
                        "  done: top1 %.2f%% (before fine-tuning %.2f%%), compression %.2f, "
                        + "speedup %.2f (measured %.2f), %.1fs", 100 * result.top1(),
                        100 * result.top1_pre_finetune(), result.compression_actual(),
                        result.speedup_theoretical(), result.speedup_measured(), result.wall_seconds()));
                if (result.mask_updates() > 0) {
                    progress.info(String.format("  %d mask updates, %.1f connections changed per update",
                            result.mask_updates(), result.connections_changed_mean()));
                }
            } else {
                failed.add(result);
                progress.sink().runEnded(id, false, took, "  FAILED: " + result.error());
            }
        }

        /** A finished run recorded by a version that wrote metrics.json first and was killed before its manifest. */
        private void completeManifest(Path dir, RunSpec spec) throws IOException {
            Path manifest = dir.resolve(Manifest.FILE);
            if (!Files.exists(manifest)) {
                Manifest.write(manifest, plan.device(), null, null, spec.identity(), plan.fingerprint());
                progress.info("  " + dir.getFileName() + ": finished without a manifest.json; wrote one");
            }
        }
    }

    /**
     * Says so when the folder holds finished runs computed on other data than the data read now (the same dataset
     * name, another fingerprint): they are kept, and this grid's runs, whose identities include the data, are new.
     */
    private static void noteOtherData(Plan plan, Progress progress) throws IOException {
        Path runs = plan.resultsDir().resolve("runs");
        Set<String> planned = new HashSet<>();
        plan.runs().forEach(r -> planned.add(r.runId()));
        Map<String, Integer> others = new TreeMap<>();
        int unfingerprinted = 0;
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : dirs.toList()) {
                if (planned.contains(d.getFileName().toString()) || !Files.exists(d.resolve(ResultStore.METRICS))) {
                    continue;
                }
                java.util.Optional<String> sha = Manifest.dataSha256(d.resolve(Manifest.FILE));
                if (sha.isEmpty()) {
                    unfingerprinted++;
                } else if (!sha.get().equals(plan.fingerprint().sha256())) {
                    others.merge(sha.get().substring(0, 12), 1, Integer::sum);
                }
            }
        }
        if (unfingerprinted > 0) {
            progress.info("note: " + unfingerprinted + " finished run(s) in this folder were recorded before run "
                    + "identities included the data's fingerprint; they are kept but not reused (see README, 'What is "
                    + "guaranteed')");
        }
        if (!others.isEmpty()) {
            progress.info("note: the data in " + plan.fingerprint().root() + " (fingerprint "
                    + plan.fingerprint().shortHash() + ") differs from the data of "
                    + others.values().stream().mapToInt(Integer::intValue).sum() + " earlier run(s) in this folder "
                    + "(fingerprint " + String.join(", ", others.keySet()) + "); those are kept, and the runs of "
                    + "this data are new ones");
        }
    }

    /**
     * Writes {@code runs/<id>/experiment.yaml} once: also for a run finished before such files existed, whose id
     * proves that these were its settings.
     */
    private static void recordSettings(ExperimentSpec experiment, RunSpec run, ResultStore store) throws IOException {
        Path file = store.settingsFile(run.runId());
        if (!Files.isRegularFile(file)) {
            prunebench.util.AtomicFiles.writeString(file, RunSettingsFile.yaml(experiment, run));
        }
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

    /** What a dense control depends on: the strategy does not matter when nothing is pruned. */
    private record DenseControl(String model, prunebench.config.DatasetSpec dataset, long seed,
            prunebench.config.TrainSchedule pretrain, prunebench.config.TrainSchedule finetune,
            prunebench.prune.Timing timing, boolean pruneClassifier, boolean pruneBiases) {
        DenseControl(RunSpec s) {
            this(s.model(), s.dataset().withoutRoot(), s.seed(), s.pretrain(), s.finetune(), s.timing(),
                    s.pruneClassifier(), s.pruneBiases());
        }
    }

    static String fmt(double c) {
        return c == Math.rint(c) ? String.valueOf((long) c) : String.valueOf(c);
    }
}
