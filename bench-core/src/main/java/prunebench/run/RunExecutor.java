package prunebench.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import prunebench.model.Complexity;
import prunebench.prune.CompressionBudget;
import prunebench.model.Network;
import prunebench.model.TorchNames;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningTarget;
import prunebench.train.Accuracy;
import prunebench.train.EpochRecord;
import prunebench.train.Evaluator;
import prunebench.util.CsvFile;

/**
 * Executes one run: resolves its plan of stages ({@link GridPlanner#stages}), folds it over a fresh
 * {@link RunState} with {@link PlanRunner} (which checkpoints and resumes), then measures and writes the run's
 * files. Every kind of run (one-shot, at init, dynamic, structured, iterative, controls) is only a different plan.
 */
final class RunExecutor {
    private final Workspace ws;
    private final DenseCache cache;
    private final GridPlanner planner;
    private final boolean saveWeights;

    RunExecutor(Workspace ws, DenseCache cache, boolean saveWeights) {
        this.ws = ws;
        this.cache = cache;
        this.saveWeights = saveWeights;
        this.planner = new GridPlanner(ws.strategies());
    }

    RunResult execute(RunSpec spec, String runId) throws IOException {
        Path dir = ws.store().runDir(runId);
        Checkpoint checkpoint = new Checkpoint(dir);
        try (NDManager manager = NDManager.newBaseManager(ws.device())) {
            Network network = Network.create(ws.model(), ws.inputShape(), ws.data().numClasses(), manager,
                    spec.seed());
            GridPlanner.RunPlan plan = planner.stages(spec, NetworkSize.of(network, ws.model(),
                    spec.pruneClassifier(), spec.pruneBiases()));
            TorchNames names = TorchNames.of(ws.model(), network);
            TorchOutputs outputs = new TorchOutputs(names);
            try (RunState state = new RunState(network, manager, spec.seed(), dir, "",
                    plan.granularity().bind(network, spec, names))) {
                PlanRunner runner = new PlanRunner(ws, cache, spec, new PlanRunner.Records() {
                    @Override
                    public void masks(RunState s) throws IOException {
                        outputs.writeMasks(dir, s.masks, s.scored);
                    }

                    @Override
                    public void level(int level, RunState s) throws IOException {
                        recordLevel(spec, runId, level, s, outputs);
                    }
                });
                runner.run(plan.stages(), state, checkpoint);
                MaskSet masks = state.masks;
                outputs.writeLayers(dir, masks);
                if (state.dynamic) {
                    outputs.addFinalMasks(dir, masks, manager); // the masks after dynamic sparse training
                }
                if (saveWeights) {
                    outputs.writeWeights(dir, network);
                }
                int batchSize = plan.stages().stream().filter(Stage.Train.class::isInstance)
                        .map(t -> ((Stage.Train) t).schedule().batchSize()).reduce((a, b) -> b).orElseThrow();
                double speedupMeasured = InferenceSpeed.ofRun(ws, cache, spec, network, state.masking, masks, manager,
                        batchSize);
                Integer level = state.levels.isEmpty() ? null : state.levels.get(state.levels.size() - 1).level();
                RunResult result = result(spec, runId, state, speedupMeasured, level);
                java.util.Optional<String> offTarget = CompressionCheck.problem(spec, StrategyAxes.of(spec.strategy(),
                        ws.strategies()), Complexity.of(network), masks.targets().stream()
                        .mapToLong(PruningTarget::size).sum());
                if (offTarget.isPresent()) {
                    result = result.failedFor(offTarget.get());
                }
                if (level != null) {
                    state.levels.set(state.levels.size() - 1, result);
                    ws.store().saveLevels(runId, state.levels);
                }
                checkpoint.delete();
                return result;
            }
        }
    }

    /** The run's record as it stands: the final one, or (with {@code level}) one level of an iterative run. */
    private RunResult result(RunSpec spec, String runId, RunState s, double speedupMeasured, Integer level) {
        Complexity cx = TrainingCost.complexity(s);
        double compressionAll = cx.compression();
        double compressionPrunable = compressionOfPrunable(s.masks);
        double actual = prunebench.config.PruningSpec.PRUNABLE.equals(spec.compressionOf()) ? compressionPrunable
                : compressionAll;
        double imagesPerSecond = s.epochs.stream().mapToDouble(EpochRecord::imagesPerSecond).average()
                .orElse(Double.NaN);
        // measured where top1 is: on the model as it is now (the run's end, or the level being recorded)
        double valTop1 = ws.validation() == null ? Double.NaN
                : Evaluator.evaluate(s.network, ws.validation(), s.manager).top1();
        return new RunResult(runId, spec.strategy().label(), spec.strategy().name(),
                level == null ? spec.compression() : actual, spec.seed(), RunResult.OK,
                spec.timing().name().toLowerCase(Locale.ROOT), actual, cx.speedup(), s.top1, s.top5,
                s.top1Pre, s.top5Pre, cx.params(), cx.paramsNonzero(), cx.flops(), cx.flopsNonzero(),
                collapsedLayers(s.masks), s.pruneSeconds, imagesPerSecond, s.wallSeconds(), spec.model(),
                spec.dataset().name(), null, s.updates.updates(), s.updates.meanChanged(), speedupMeasured,
                s.epochsTrained, level, s.trainFlops, valTop1, spec.budget(), compressionAll,
                compressionPrunable, learnedCompression(spec, s, cx), s.learnedTop1);
    }

    /**
     * Level {@code level} of an iterative run: its row (kept for runs.csv), a line of {@code levels.csv} and its
     * masks ({@code masks-level<k>.npz}). Level 0 is the dense model the levels start from.
     */
    private void recordLevel(RunSpec spec, String runId, int level, RunState s, TorchOutputs outputs)
            throws IOException {
        Path dir = ws.store().runDir(runId);
        if (level == 0) {
            Accuracy dense = Evaluator.evaluate(s.network, ws.test(), s.manager);
            s.top1 = dense.top1();
            s.top5 = dense.top5();
        }
        s.levels.removeIf(r -> r.level() == level); // a level recorded again after a resume
        s.levels.add(result(spec, runId, s, Double.NaN, level));
        outputs.writeLevelMasks(dir, level, s.masks);
        long prunable = s.masks.targets().stream().mapToLong(PruningTarget::size).sum();
        List<List<Object>> rows = new ArrayList<>();
        for (RunResult r : s.levels) {
            long epochs = r.level() == 0 ? spec.pretrain().epochs() : s.epochs.stream().filter(e ->
                    e.stage().equals("level" + r.level()) || e.stage().startsWith("level" + r.level() + "-")).count();
            rows.add(List.of(r.level(), (double) (r.params_nonzero() - (r.params() - prunable)) / prunable, r.top1(),
                    r.top5(), epochs, r.compression_actual(), r.compression_all(), r.compression_prunable()));
        }
        CsvFile.write(dir.resolve("levels.csv"), List.of("level", "density", "top1", "top5", "epochs",
                "compression_actual", "compression_all", "compression_prunable"), rows);
    }

    /** The masked tensors' own total over their kept entries; 1 for a dense run (no masks). */
    /** The compression a learned method's own rule left (RunState#learnedRemoved) on the experiment's basis. */
    static double learnedCompression(RunSpec spec, RunState s, Complexity cx) {
        if (s.learnedRemoved == null) {
            return Double.NaN;
        }
        boolean prunable = prunebench.config.PruningSpec.PRUNABLE.equals(spec.compressionOf());
        long total = prunable ? s.masks.targets().stream().mapToLong(PruningTarget::size).sum() : cx.params();
        return (double) total / (total - s.learnedRemoved);
    }

    static double compressionOfPrunable(MaskSet masks) {
        if (masks == null) {
            return 1;
        }
        long prunable = masks.targets().stream().mapToLong(PruningTarget::size).sum();
        return (double) prunable / masks.keptTotal();
    }

    /**
     * What the compression target counts: all trainable parameters (ShrinkBench), or with {@code compression_of:
     * prunable} only the prunable tensors (their own total / kept, so the unprunable ones do not enter).
     */
    static CompressionBudget budget(RunSpec spec, long total, long prunable) {
        return budget(spec, total, prunable, spec.compression());
    }

    /** {@link #budget(RunSpec, long, long)} to another compression (a stage's own target). */
    static CompressionBudget budget(RunSpec spec, long total, long prunable, double compression) {
        return prunebench.config.PruningSpec.PRUNABLE.equals(spec.compressionOf())
                ? new CompressionBudget(prunable, prunable, compression)
                : new CompressionBudget(total, prunable, compression);
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
