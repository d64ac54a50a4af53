package prunebench.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import prunebench.config.TrainSchedule;
import prunebench.model.Complexity;
import prunebench.model.Network;
import prunebench.model.TorchNames;
import prunebench.prune.CompressionBudget;
import prunebench.prune.DynamicContext;
import prunebench.prune.DynamicSparsity;
import prunebench.prune.MaskSet;
import prunebench.prune.MaskUpdateStats;
import prunebench.prune.MaskUpdater;
import prunebench.prune.Pruner;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyOptions;
import prunebench.prune.Timing;
import prunebench.prune.structured.ChannelPruner;
import prunebench.prune.structured.StructuredStrategy;
import prunebench.train.Accuracy;
import prunebench.train.EpochRecord;
import prunebench.train.Evaluator;
import prunebench.train.Optimizer;
import prunebench.train.Trainer;
import prunebench.train.TrainingListener;

/**
 * Executes one run: weights (pretrained, or the seed's initialisation for pruning at init), masks from the
 * strategy, training with the masks held, measurement, and the run's files. Checkpoints after every epoch; a
 * rerun continues from the last one.
 */
final class RunExecutor {
    private final Workspace ws;
    private final DenseCache cache;
    private final boolean saveWeights;

    RunExecutor(Workspace ws, DenseCache cache, boolean saveWeights) {
        this.ws = ws;
        this.cache = cache;
        this.saveWeights = saveWeights;
    }

    RunResult execute(RunSpec spec, String runId) throws IOException {
        long start = System.nanoTime();
        Path dir = ws.store().runDir(runId);
        Checkpoint checkpoint = new Checkpoint(dir);
        Checkpoint.State resumed = checkpoint.state();
        try (NDManager manager = NDManager.newBaseManager(ws.device())) {
            Network network = Network.create(ws.model(), ws.inputShape(), ws.data().numClasses(), manager,
                    spec.seed());
            if (spec.timing() == Timing.PRETRAINED) {
                cache.loadInto(new DenseCache.Key(spec.model(), spec.dataset(), spec.seed(), spec.pretrain()),
                        network, manager);
            }
            PruningStrategy strategy = ws.strategies().get(spec.strategy().name());
            StrategyOptions options = new StrategyOptions(strategy.name(), strategy.parameterDefaults(),
                    spec.strategy().params());
            // A structured strategy removes whole channels: its masks cover every tensor a channel touches.
            ChannelPruner channels = strategy instanceof StructuredStrategy ? new ChannelPruner(network) : null;
            List<PruningTarget> targets = channels != null ? channels.targets()
                    : PruningTargets.of(network, spec.pruneClassifier(), spec.pruneBiases());
            long total = network.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            long prunable = targets.stream().mapToLong(PruningTarget::size).sum();
            CompressionBudget budget = budget(spec, total, prunable);
            TrainSchedule schedule = trainingSchedule(spec);
            String stage = spec.timing() == Timing.PRETRAINED ? "finetune" : "sparse";
            Trainer trainer = new Trainer(network, manager, ws.train(), ws.test(), spec.seed());
            TorchOutputs outputs = new TorchOutputs(TorchNames.of(ws.model(), network));

            try (MaskSet masks = MaskSet.dense(targets, manager); Optimizer optimizer = trainer.newOptimizer(schedule)) {
                double pruneSeconds;
                double top1Pre;
                double top5Pre;
                int startEpoch = 0;
                List<EpochRecord> epochs = new ArrayList<>();
                double previousWall = 0;
                MaskUpdateStats previousUpdates = MaskUpdateStats.NONE;
                if (resumed != null) {
                    checkpoint.restore(network, masks, optimizer, manager);
                    startEpoch = resumed.epochsDone();
                    epochs.addAll(resumed.epochs());
                    pruneSeconds = resumed.pruneSeconds();
                    top1Pre = resumed.top1PreFinetune();
                    top5Pre = resumed.top5PreFinetune();
                    previousWall = resumed.wallSeconds();
                    previousUpdates = new MaskUpdateStats(resumed.maskUpdates(), resumed.connectionsChanged());
                    ws.progress().info("  resuming after epoch " + startEpoch + " of " + schedule.epochs());
                } else {
                    Map<String, NDArray> scoredOn = snapshot(network, manager);
                    long t0 = System.nanoTime();
                    if (spec.compression() > 1 && channels != null) {
                        channels.prune((StructuredStrategy) strategy, options, masks, spec.compression(),
                                spec.distribution(), spec.iterations(), spec.denseFirstLayer(), ws.trainPlain(),
                                schedule.batchSize(), spec.seed());
                    } else if (spec.compression() > 1) {
                        new Pruner(network, targets, ws.trainPlain(), schedule.batchSize(), spec.seed())
                                .prune(strategy, options, masks, budget.keep(), spec.distribution(),
                                        spec.iterations(), spec.denseFirstLayer());
                    }
                    pruneSeconds = (System.nanoTime() - t0) / 1e9;
                    outputs.writeMasks(dir, masks, scoredOn);
                    spec.initScale().apply(masks); // sparse training starts at the sparse scale when asked
                    Accuracy pre = Evaluator.evaluate(network, ws.test(), manager);
                    top1Pre = pre.top1();
                    top5Pre = pre.top5();
                }
                outputs.writeLayers(dir, masks);
                // Dynamic sparse training rewires the masks of a pruned run at training steps.
                MaskUpdater updater = strategy instanceof DynamicSparsity dynamic && spec.compression() > 1
                        ? dynamic.maskUpdater(new DynamicContext(network, targets, masks, optimizer, spec.seed(),
                                options))
                        : null;
                if (updater != null) {
                    trainer.addListener(updater);
                }

                final double pruneS = pruneSeconds;
                final MaskUpdateStats updatesBefore = previousUpdates;
                final double t1 = top1Pre;
                final double t5 = top5Pre;
                final double wallBefore = previousWall;
                trainer.addListener(new TrainingListener() {
                    @Override
                    public void progress(int epoch, int step, int steps, double loss, double top1) {
                        ws.progress().step(stage, epoch, schedule.epochs(), step, steps, loss, top1);
                    }

                    @Override
                    public void afterEpoch(EpochRecord r) {
                        epochs.add(r);
                        ws.progress().epoch("", r, schedule.epochs());
                        try {
                            double wall = wallBefore + (System.nanoTime() - start) / 1e9;
                            MaskUpdateStats u = totalUpdates(updatesBefore, updater);
                            checkpoint.save(new Checkpoint.State(stage, r.epoch(), List.copyOf(epochs), t1, t5, pruneS,
                                    wall, u.updates(), u.connectionsChanged()), network, masks, optimizer);
                            EpochLog.write(dir.resolve("epochs.csv"), epochs);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
                trainer.train(stage, schedule, optimizer, masks, startEpoch);
                EpochLog.write(dir.resolve("epochs.csv"), epochs);
                if (updater != null) {
                    outputs.writeLayers(dir, masks); // the final masks: per-tensor counts are fixed, the positions moved
                    outputs.addFinalMasks(dir, masks, manager);
                }
                if (saveWeights) {
                    outputs.writeWeights(dir, network);
                }

                Accuracy post = schedule.epochs() == 0 ? null : Evaluator.evaluate(network, ws.test(), manager);
                double valTop1 = ws.validation() == null ? Double.NaN
                        : Evaluator.evaluate(network, ws.validation(), manager).top1();
                Complexity cx = Complexity.of(network);
                int collapsed = collapsedLayers(masks);
                double imagesPerSecond = epochs.stream().mapToDouble(EpochRecord::imagesPerSecond).average()
                        .orElse(Double.NaN);
                double speedupMeasured = InferenceSpeed.ofRun(ws, cache, spec, network, channels, masks, manager,
                        schedule.batchSize());
                double wall = previousWall + (System.nanoTime() - start) / 1e9;
                MaskUpdateStats updates = totalUpdates(previousUpdates, updater);
                RunResult result = new RunResult(runId, spec.strategy().label(), spec.strategy().name(),
                        spec.compression(), spec.seed(), RunResult.OK, spec.timing().name().toLowerCase(Locale.ROOT),
                        cx.compression(), cx.speedup(), post == null ? top1Pre : post.top1(),
                        post == null ? top5Pre : post.top5(), top1Pre, top5Pre, cx.params(), cx.paramsNonzero(),
                        cx.flops(), cx.flopsNonzero(), collapsed, pruneSeconds, imagesPerSecond, wall, spec.model(),
                        spec.dataset().name(), null, updates.updates(), updates.meanChanged(), speedupMeasured,
                        schedule.epochs(), valTop1, spec.budget());
                checkpoint.delete();
                return result;
            }
        }
    }

    /**
     * What the compression target counts: all trainable parameters (ShrinkBench), or with {@code compression_of:
     * prunable} only the prunable tensors (their own total / kept, so the unprunable ones do not enter).
     */
    static CompressionBudget budget(RunSpec spec, long total, long prunable) {
        return prunebench.config.PruningSpec.PRUNABLE.equals(spec.compressionOf())
                ? new CompressionBudget(prunable, prunable, spec.compression())
                : new CompressionBudget(total, prunable, spec.compression());
    }

    /** Pruning at init trains sparse for the whole budget: pretrain's optimizer and schedule, both stages' epochs. */
    static TrainSchedule trainingSchedule(RunSpec spec) {
        if (spec.timing() == Timing.PRETRAINED) {
            return spec.finetune();
        }
        TrainSchedule p = spec.pretrain();
        return new TrainSchedule(p.epochs() + spec.finetune().epochs(), p.batchSize(), p.optimizer(), p.lrSchedule());
    }

    private static Map<String, NDArray> snapshot(Network network, NDManager manager) {
        Map<String, NDArray> copy = new LinkedHashMap<>();
        network.allParameters().forEach((n, p) -> {
            if (p.requiresGradient()) {
                copy.put(n, p.getArray().duplicate());
            }
        });
        return copy;
    }

    private static MaskUpdateStats totalUpdates(MaskUpdateStats before, MaskUpdater updater) {
        return updater == null ? before : before.plus(updater.stats());
    }

    private static int collapsedLayers(MaskSet masks) {
        int n = 0;
        for (PruningTarget t : masks.targets()) {
            if (!t.isBias() && masks.kept(t.name()) == 0) {
                n++;
            }
        }
        return n;
    }

    static float[] toFloats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }
}
