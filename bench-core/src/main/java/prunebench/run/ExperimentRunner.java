package prunebench.run;

import prunebench.config.Canonical;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.data.DatasetRegistry;
import prunebench.data.ImageData;
import prunebench.model.ModelFactory;
import prunebench.model.ModelRegistry;
import prunebench.model.Network;
import prunebench.prune.CompressionBudget;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyRegistry;
import prunebench.train.DivergenceException;

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
                            + "(engine " + Engine.getInstance().getVersion() + "). Use device: auto or cpu, or put "
                            + "DJL's CUDA build of libtorch on the classpath (see README, 'GPU').");
                }
                yield Device.gpu();
            }
        };
    }

    /** Checks everything that can be checked before training: dataset, model, strategies, reachable compressions. */
    public Plan prepare(ExperimentSpec spec, Path resultsDir) {
        ModelFactory model = models.get(spec.model());
        List<RunSpec> runs = new GridPlanner(strategies).plan(spec);
        ImageData data = datasets.load(spec.dataset());
        Device device = device(spec.device());
        checkReachable(spec, model, data, device);
        checkStructured(spec, model, data);
        return new Plan(spec, resultsDir, model, data, device, runs);
    }

    /**
     * The plan of a dry run: the model, the grid and the dataset are checked, but the native engine is not started
     * (no device is chosen, which is null, and the compressions are not checked against the model's size).
     */
    public Plan preview(ExperimentSpec spec, Path resultsDir) {
        ModelFactory model = models.get(spec.model());
        List<RunSpec> runs = new GridPlanner(strategies).plan(spec);
        ImageData data = datasets.load(spec.dataset());
        return new Plan(spec, resultsDir, model, data, null, runs);
    }

    /** A validated experiment, ready to run ({@code device} is null in a {@link #preview}). */
    public record Plan(ExperimentSpec spec, Path resultsDir, ModelFactory model, ImageData data, Device device,
            List<RunSpec> runs) {}

    /** Structured strategies' layer names exist in the model; their targets count all parameters. */
    private void checkStructured(ExperimentSpec spec, ModelFactory model, ImageData data) {
        for (prunebench.config.StrategySpec s : spec.pruning().strategies()) {
            if (!(strategies.get(s.name()) instanceof prunebench.prune.structured.StructuredStrategy structured)) {
                continue;
            }
            if (prunebench.config.PruningSpec.PRUNABLE.equals(spec.pruning().compressionOf())) {
                throw new ConfigException("pruning.compression_of: prunable applies to weight pruning; strategy '"
                        + s.label() + "' removes channels, whose targets count all parameters (or multiply-adds)");
            }
            try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                Network net = Network.create(model, new ai.djl.ndarray.types.Shape(data.channels(), data.height(),
                        data.width()), data.numClasses(), manager, 0);
                new prunebench.prune.structured.ChannelPruner(net).checkOptions(new prunebench.prune.StrategyOptions(
                        s.name(), structured.parameterDefaults(), s.params()));
            } catch (ConfigException e) {
                throw new ConfigException("strategy '" + s.label() + "': " + e.getMessage());
            }
        }
    }

    private static void checkReachable(ExperimentSpec spec, ModelFactory model, ImageData data, Device device) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network net = Network.create(model, new ai.djl.ndarray.types.Shape(data.channels(), data.height(),
                    data.width()), data.numClasses(), manager, 0);
            List<PruningTarget> targets = PruningTargets.of(net, spec.pruning().pruneClassifier(),
                    spec.pruning().pruneBiases());
            long total = net.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            long prunable = targets.stream().mapToLong(PruningTarget::size).sum();
            boolean ofPrunable = prunebench.config.PruningSpec.PRUNABLE.equals(spec.pruning().compressionOf());
            for (double c : spec.pruning().compressions()) {
                try {
                    (ofPrunable ? new CompressionBudget(prunable, prunable, c)
                            : new CompressionBudget(total, prunable, c)).keep();
                } catch (ConfigException e) {
                    throw new ConfigException("pruning.compressions: " + e.getMessage());
                }
            }
        }
    }

    public Outcome run(Plan plan, boolean retryFailed) throws IOException {
        return run(plan, retryFailed, 0, "");
    }

    /**
     * Runs the grid starting at run {@code offset} (wrapping around), so that parallel workers begin on different
     * seeds and do not queue behind one pretraining; {@code label} prefixes this worker's progress lines.
     */
    public Outcome run(Plan plan, boolean retryFailed, int offset, String label) throws IOException {
        ResultStore store = new ResultStore(plan.resultsDir());
        Files.createDirectories(plan.resultsDir().resolve("runs"));
        Progress progress = new Progress(log, label);
        Workspace ws = workspace(plan, strategies, store, progress);
        DenseCache cache = new DenseCache(plan.resultsDir().resolve("pretrained"), ws);
        RunExecutor executor = new RunExecutor(ws, cache);
        List<RunResult> failed = new ArrayList<>();
        int executed = 0;
        int skipped = 0;
        int busy = 0;
        List<RunSpec> runs = plan.runs();
        progress.info(String.format("%s: %d runs (%s on %s, device %s) -> %s", plan.spec().name(), runs.size(),
                plan.spec().model(), plan.spec().dataset().name(), plan.device(), plan.resultsDir()));
        for (int n = 0; n < runs.size(); n++) {
            int i = (n + offset) % runs.size();
            RunSpec spec = runs.get(i);
            String id = spec.runId();
            if (store.isFinished(id) && (!retryFailed || store.load(id).ok())) {
                skipped++;
                continue;
            }
            Path dir = store.runDir(id);
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = tryLock(ch)) {
                if (lock == null) {
                    busy++;
                    progress.info(String.format("run %d/%d %s: another runner holds it, skipping", i + 1,
                            runs.size(), id));
                    continue;
                }
                if (store.isFinished(id) && (!retryFailed || store.load(id).ok())) {
                    skipped++;
                    continue;
                }
                progress.startRun(i + 1, runs.size(), String.format("%s  compression %s  seed %d  [%s]",
                        spec.strategy().label(), fmt(spec.compression()), spec.seed(), id));
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
                store.save(result);
                Manifest.write(dir.resolve("manifest.json"), plan.device(), started, Instant.now());
                executed++;
                if (result.ok()) {
                    if (controlKey != null && control == null) {
                        store.saveControl(controlKey, result);
                    }
                    progress.info(String.format("  done: top1 %.2f%% (before fine-tuning %.2f%%), compression %.2f, "
                            + "speedup %.2f (measured %.2f), %.1fs", 100 * result.top1(),
                            100 * result.top1_pre_finetune(), result.compression_actual(),
                            result.speedup_theoretical(), result.speedup_measured(), result.wall_seconds()));
                    if (result.mask_updates() > 0) {
                        progress.info(String.format("  %d mask updates, %.1f connections changed per update",
                                result.mask_updates(), result.connections_changed_mean()));
                    }
                } else {
                    failed.add(result);
                    progress.info("  FAILED: " + result.error());
                }
            }
        }
        List<RunResult> all = store.all();
        store.writeRunsCsv(all);
        for (RunResult r : all) {
            if (!r.ok() && failed.stream().noneMatch(f -> f.run_id().equals(r.run_id()))) {
                failed.add(r);
            }
        }
        return new Outcome(runs.size(), executed, skipped, busy, failed);
    }

    /** What every run of this process shares (also used by {@link Pretraining}, so both train the same way). */
    static Workspace workspace(Plan plan, StrategyRegistry strategies, ResultStore store, Progress progress) {
        boolean augment = plan.spec().dataset().augment() != null ? plan.spec().dataset().augment()
                : plan.data().augmentByDefault();
        return Workspace.create(plan.data(), augment, plan.model(), strategies, plan.device(), store, progress);
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

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    static String fmt(double c) {
        return c == Math.rint(c) ? String.valueOf((long) c) : String.valueOf(c);
    }
}
