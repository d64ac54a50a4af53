package prunebench.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;
import prunebench.config.TrainSchedule;
import prunebench.model.Complexity;
import prunebench.model.Network;
import prunebench.model.TorchNames;
import prunebench.prune.DynamicContext;
import prunebench.prune.GateContext;
import prunebench.prune.Gates;
import prunebench.prune.LearnedMask;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.prune.Scratch;
import prunebench.train.Accuracy;
import prunebench.train.EpochRecord;
import prunebench.train.Evaluator;
import prunebench.train.Optimizer;
import prunebench.train.Penalty;
import prunebench.train.Trainer;
import prunebench.train.TrainingListener;

/**
 * Folds a plan's stages over a {@link RunState}. After every stage, and after every epoch inside a training stage,
 * the state is checkpointed with its position, so a rerun continues where the last one stopped and, every stage
 * being deterministic, ends with the same numbers. This holds the one training routine of the project: dense
 * pretraining, rewinding points and every run's training stages go through {@link #train}.
 */
final class PlanRunner {
    /** Where a run's records go. */
    interface Records {
        /** The masks changed (after the start, a prune or a shuffle): {@code masks.npz}. */
        void masks(RunState state) throws IOException;

        /** A level of an iterative run is reached (a row of runs.csv and of levels.csv). */
        void level(int level, RunState state) throws IOException;
    }

    private final Workspace ws;
    private final DenseCache cache;
    private final RunSpec spec;
    private final Records records;
    private Checkpoint.State resumed;

    /** {@code spec} and {@code records} may be null for plans that only train (dense pretraining). */
    PlanRunner(Workspace ws, DenseCache cache, RunSpec spec, Records records) {
        this.ws = ws;
        this.cache = cache;
        this.spec = spec;
        this.records = records;
    }

    /** Runs {@code stages} on {@code state}, from the checkpoint in {@code checkpoint} when there is one. */
    void run(List<Stage> stages, RunState state, Checkpoint checkpoint) throws IOException {
        Checkpoint.State resumed = checkpoint.state();
        this.resumed = resumed;
        int first = 0;
        int stepsDone = 0;
        if (resumed != null) {
            checkpoint.restore(resumed, state);
            first = resumed.stage();
            stepsDone = resumed.stepsDone();
            if (!(first < stages.size() && (stages.get(first) instanceof Stage.Train
                    || stages.get(first) instanceof Stage.Learn) && stepsDone > 0)) {
                ws.progress().info("  resuming at stage " + (first + 1) + " of " + stages.size());
            }
        }
        for (int i = first; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            if (stage instanceof Stage.Train t) {
                train(t, state, checkpoint, i, i == first ? stepsDone : 0);
            } else if (stage instanceof Stage.Learn l) {
                learn(l, state, checkpoint, i, i == first ? stepsDone : 0);
            } else if (stage instanceof Stage.Start s) {
                if (s.from() == prunebench.prune.Timing.PRETRAINED) {
                    cache.loadInto(DenseCache.Key.of(spec), state.network, state.manager);
                    state.trainFlops += trainingFlops(state, 0, spec.pretrain().epochs()
                            * ws.train().batchesPerEpoch(spec.pretrain().batchSize()), spec.pretrain().batchSize());
                }
                RunState.close(state.scored);
                state.scored = state.copyWeights(true);
                records.masks(state);
            } else if (stage instanceof Stage.Prune prune) {
                Stage.Prune p = prune;
                if (p.strategy() instanceof LearnedMask learned && state.learned != null) {
                    p = p.scoredBy(learned instanceof prunebench.prune.structured.StructuredStrategy
                            ? new LearnedChannelScores(new LearnedScores(learned, state.learned))
                            : new LearnedScores(learned, state.learned));
                }
                RunState.close(state.scored);
                state.scored = state.copyWeights(true);
                long t0 = System.nanoTime();
                state.masking.prune(p, state.masks, ws.trainPlain(), ws.validation(), state.seed);
                state.pruneSeconds += (System.nanoTime() - t0) / 1e9;
                state.epochsTrained = 0;
                records.masks(state);
                spec.initScale().apply(state.masks); // sparse training starts at the sparse scale when asked
                if (p.strategy() instanceof LearnedScores || p.strategy() instanceof LearnedChannelScores) {
                    RunState.close(state.learned);
                    state.learned = null;
                }
            } else if (stage instanceof Stage.Shuffle s) {
                if (state.scored != null) {
                    state.loadWeights(state.scored);
                }
                shuffle(state, s.seed());
                records.masks(state);
                spec.initScale().apply(state.masks);
            } else if (stage instanceof Stage.Reinit r) {
                reinitialise(state, r.seed());
                spec.initScale().apply(state.masks);
            } else if (stage instanceof Stage.Rewind r) {
                if (r.iterations() == 0 && r.epochs() == 0) {
                    reinitialise(state, state.seed);
                } else {
                    TrainSchedule pretrain = spec.pretrain();
                    int step = r.iterations() + r.epochs() * ws.train().batchesPerEpoch(pretrain.batchSize());
                    cache.loadAt(DenseCache.Key.of(spec), step, state.network, state.manager);
                    state.masks.apply();
                }
            } else if (stage instanceof Stage.Stash) {
                RunState.close(state.stashedWeights);
                RunState.close(state.stashedMasks);
                state.stashedWeights = state.copyWeights(false);
                state.stashedMasks = state.copyMasks();
            } else if (stage instanceof Stage.Restore) {
                state.loadWeights(state.stashedWeights);
                state.loadMasks(state.stashedMasks);
            } else if (stage instanceof Stage.Level l) {
                records.level(l.level(), state);
            }
            checkpoint.save(i + 1, 0, state, null, state.updates);
        }
    }

    /**
     * The one training routine: {@code t}'s schedule from its first step (or {@code resumeAt}) with the masks held,
     * a checkpoint and the epoch log after every epoch, the accuracy before and after.
     */
    void train(Stage.Train t, RunState state, Checkpoint checkpoint, int stageIndex, int resumeAt)
            throws IOException {
        train(t, state, checkpoint, stageIndex, resumeAt, null);
    }

    /**
     * A learning stage: the training routine with the strategy's gates trained along (their tensors checkpointed
     * with the run), then their scores kept for the prune and their effect folded into the weights.
     */
    private void learn(Stage.Learn l, RunState state, Checkpoint checkpoint, int stageIndex, int resumeAt)
            throws IOException {
        Gates gates = l.strategy().gates(new GateContext(state.network, state.masking.targets(), state.manager,
                state.seed, l.options(), ws.train().size(), ws.train().batchesPerEpoch(l.schedule().batchSize()),
                l.schedule().epochs()));
        if (resumeAt > 0 && state.gates != null) {
            gates.loadState(state.gates);
            RunState.close(state.gates);
        }
        state.gates = gates.state();
        train(new Stage.Train(l.label(), l.schedule(), null), state, checkpoint, stageIndex, resumeAt, gates);
        recordOwnRule(gates, state);
        RunState.close(state.learned);
        state.learned = gates.scores(state.manager);
        gates.fold();
        state.masks.apply();
        RunState.close(state.gates);
        state.gates = null;
    }

    /**
     * What the method's own rule keeps after its learning ({@link Gates#ownKeep}) and the learning stage's last test
     * accuracy, which the stage measured under that rule: the paper's own numbers, recorded beside the grid's prune.
     */
    private static void recordOwnRule(Gates gates, RunState state) {
        java.util.Map<String, NDArray> own = gates.ownKeep(state.manager);
        if (own.isEmpty()) {
            return;
        }
        long removed = 0;
        for (NDArray keep : own.values()) {
            try (NDArray kept = keep.sum()) {
                removed += keep.size() - Math.round(kept.getFloat());
            }
        }
        RunState.close(own);
        state.learnedRemoved = removed;
        state.learnedTop1 = state.epochs.isEmpty() ? Double.NaN : state.epochs.get(state.epochs.size() - 1).testTop1();
    }

    private void train(Stage.Train t, RunState state, Checkpoint checkpoint, int stageIndex, int resumeAt,
            Gates gates) throws IOException {
        TrainSchedule schedule = t.atDenseCost() ? atDenseCost(t.schedule(), state) : t.schedule();
        Trainer trainer = new Trainer(state.network, state.manager, ws.train(), ws.test(), state.seed);
        // the prune's targets: what l_half, swd and lc act on (the schedule's own penalties ignore them)
        Penalty penalty = schedule.penalty() == null ? null
                : Penalty.of(schedule.penalty(), state.network, state.masking == null ? java.util.List.of()
                        : state.masking.targets());
        if (penalty != null) {
            trainer.addPenalty(penalty);
        }
        try {
            trainWith(t, state, checkpoint, stageIndex, resumeAt, gates, schedule, trainer);
            if (penalty != null) {
                try (ai.djl.ndarray.NDManager scope = state.manager.newSubManager()) {
                    penalty.finish(scope); // lc: the final C step, w = Theta, before the prune
                }
            }
        } finally {
            if (penalty != null) {
                penalty.close();
            }
        }
    }

    private void trainWith(Stage.Train t, RunState state, Checkpoint checkpoint, int stageIndex, int resumeAt,
            Gates gates, TrainSchedule schedule, Trainer trainer) throws IOException {
        EpochRecord last = null;
        if (gates != null) {
            trainer.reparameterize(gates);
        }
        int steps = trainer.stepsPerEpoch(schedule);
        int from = t.fromIterations() + t.fromEpochs() * steps;
        int to = t.toStep() >= 0 ? t.toStep() : schedule.epochs() * steps;
        try (Optimizer optimizer = trainer.newOptimizer(schedule)) {
            if (resumeAt > 0) {
                checkpoint.restoreOptimizer(resumed, optimizer, state.manager);
                from = resumeAt;
                ws.progress().info("  resuming after epoch " + Math.max(1, (resumeAt + steps - 1) / steps) + " of "
                        + schedule.epochs());
            } else if (state.masks != null) {
                Accuracy pre = Evaluator.evaluate(state.network, ws.test(), state.manager);
                state.top1Pre = pre.top1();
                state.top5Pre = pre.top5();
            }
            MaskUpdater updater = t.updates() == null ? null : t.updates().create(new DynamicContext(state.network,
                    state.masking.targets(), state.masks, optimizer, state.seed, null, -1, Double.NaN,
                    TorchNames.of(ws.model(), state.network)::of), ws.trainPlain());
            if (updater != null && resumeAt > 0) {
                checkpoint.restoreUpdater(resumed, updater, state.manager);
            }
            if (updater != null) {
                trainer.addListener(updater);
                state.dynamic = true;
            }
            int lastStep = to;
            trainer.addListener(new TrainingListener() {
                @Override
                public void progress(int epoch, int step, int stepsPerEpoch, double loss, double top1) {
                    ws.progress().step(t.label(), epoch, schedule.epochs(), step, stepsPerEpoch, loss, top1);
                }

                @Override
                public void afterEpoch(EpochRecord r) {
                    state.epochs.add(r);
                    if (gates != null) {
                        state.gates = gates.state(); // live tensors, saved with the checkpoint below
                    }
                    ws.progress().epoch(state.progressLabel, r, schedule.epochs());
                    try {
                        checkpoint.save(stageIndex, Math.min(r.epoch() * steps, lastStep), state, optimizer, updater,
                                updater == null ? state.updates : state.updates.plus(updater.stats()));
                        EpochLog.write(state.dir.resolve("epochs.csv"), state.epochs);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            if (resumeAt == 0) { // a checkpoint inside the stage counts the whole stage already
                state.trainFlops += trainingFlops(state, from, to, schedule.batchSize());
            }
            List<EpochRecord> trained = trainer.train(t.label(), schedule, optimizer, state.masks, from, to);
            if (!trained.isEmpty()) {
                last = trained.get(trained.size() - 1);
            }
            if (updater != null) {
                state.updates = state.updates.plus(updater.stats());
            }
            state.epochsTrained += schedule.epochs();
        }
        EpochLog.write(state.dir.resolve("epochs.csv"), state.epochs);
        if (state.masks != null) {
            if (schedule.epochs() == 0) {
                state.top1 = state.top1Pre;
                state.top5 = state.top5Pre;
            } else if (last != null) {
                // The trainer evaluated the test split right after the last step: these weights, these numbers.
                state.top1 = last.testTop1();
                state.top5 = last.testTop5();
            } else {
                Accuracy post = Evaluator.evaluate(state.network, ws.test(), state.manager);
                state.top1 = post.top1();
                state.top5 = post.top5();
            }
        }
    }

    /** A learned strategy's trained scores, handed to the prune as the strategy's. */
    private record LearnedScores(LearnedMask strategy, java.util.Map<String, NDArray> scores)
            implements prunebench.prune.PruningStrategy {
        @Override
        public String name() {
            return strategy.name();
        }

        @Override
        public String description() {
            return strategy.description();
        }

        @Override
        public java.util.Map<String, NDArray> score(prunebench.prune.PruningContext context) {
            java.util.Map<String, NDArray> out = new java.util.LinkedHashMap<>();
            scores.forEach((n, a) -> {
                NDArray copy = a.duplicate();
                copy.attach(context.manager());
                out.put(n, copy);
            });
            return out;
        }
    }

    /**
     * A structured learned strategy's trained scores (one per weight, the same across a filter), handed to the
     * channel pruner: a channel scores the mean of its filter's scores.
     */
    private record LearnedChannelScores(LearnedScores learned)
            implements prunebench.prune.structured.StructuredStrategy {
        @Override
        public String name() {
            return learned.name();
        }

        @Override
        public String description() {
            return learned.description();
        }

        @Override
        public java.util.Map<String, float[]> channelScores(prunebench.prune.PruningContext context,
                java.util.List<prunebench.model.ChannelGroup> groups) {
            java.util.Map<String, float[]> out = new java.util.LinkedHashMap<>();
            for (prunebench.model.ChannelGroup g : groups) {
                NDArray s = learned.scores().get(g.name());
                if (s == null) {
                    continue;
                }
                float[] w = s.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                int size = w.length / g.channels();
                float[] channel = new float[g.channels()];
                for (int c = 0; c < channel.length; c++) {
                    double sum = 0;
                    for (int i = c * size; i < (c + 1) * size; i++) {
                        sum += w[i];
                    }
                    channel[c] = (float) (sum / size);
                }
                out.put(g.name(), channel);
            }
            return out;
        }
    }

    /**
     * Scratch-B: {@code schedule} stretched to the dense network's training multiply-adds, by the dense / nonzero
     * multiply-adds of the network as it is (its masks applied; at a resume they are the same masks).
     */
    private static TrainSchedule atDenseCost(TrainSchedule schedule, RunState state) {
        Complexity c = complexity(state);
        return Budget.withEpochs(schedule, Scratch.flopsMatchedEpochs(schedule.epochs(), c.flops(), c.flopsNonzero()));
    }

    /**
     * Multiply-adds of training steps {@code from..to-1}: per example 3x the network's nonzero multiply-adds as they
     * are now (forward 1x, backward 2x; RigL's paper counts the same way).
     */
    private double trainingFlops(RunState state, int from, int to, int batchSize) {
        int n = ws.train().size();
        int steps = ws.train().batchesPerEpoch(batchSize);
        double examples = 0;
        for (int s = from; s < to; s++) {
            examples += Math.min(batchSize, n - (s % steps) * batchSize);
        }
        return 3.0 * complexity(state).flopsNonzero() * examples;
    }

    /** The network as its masks leave it (an unmasked weight that is 0 still costs its multiply-adds). */
    static Complexity complexity(RunState state) {
        return Complexity.of(state.network, state.masks == null ? null : state.masks.masks());
    }

    /** The seed's initial weights (every parameter), the masks applied. */
    private void reinitialise(RunState state, long seed) {
        try (NDManager scope = state.manager.newSubManager()) {
            Network fresh = Network.create(ws.model(), ws.inputShape(), ws.data().numClasses(), scope, seed);
            fresh.allParameters().forEach((n, p) -> state.network.allParameters().get(n).getArray()
                    .set(p.getArray().toByteBuffer()));
        }
        state.masks.apply();
    }

    /** Moves each tensor's kept entries to random positions (Fisher-Yates, seeded per tensor), then applies them. */
    private static void shuffle(RunState state, long seed) {
        List<PruningTarget> targets = state.masks.targets();
        for (int i = 0; i < targets.size(); i++) {
            NDArray mask = state.masks.get(targets.get(i).name());
            float[] m = mask.toFloatArray();
            Random random = new Random(seed * 1_000_003L + i);
            for (int j = m.length - 1; j > 0; j--) {
                int k = random.nextInt(j + 1);
                float x = m[j];
                m[j] = m[k];
                m[k] = x;
            }
            mask.set(FloatBuffer.wrap(m));
        }
        state.masks.apply();
    }
}
