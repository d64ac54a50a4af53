package prunebench.run;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import prunebench.config.TrainSchedule;
import prunebench.model.TorchNames;
import prunebench.prune.DynamicContext;
import prunebench.prune.GateContext;
import prunebench.prune.Gates;
import prunebench.prune.MaskUpdater;
import prunebench.train.Accuracy;
import prunebench.train.EpochRecord;
import prunebench.train.Evaluator;
import prunebench.train.Optimizer;
import prunebench.train.Penalty;
import prunebench.train.Trainer;
import prunebench.train.TrainingListener;

/**
 * The one training routine of the project, for a plan's training and learning stages: dense pretraining, rewinding
 * points and every run's training go through {@link #train}. The run's penalty, dynamic mask updates and a learned
 * strategy's gates are attached to the trainer here; a checkpoint and the epoch log are written after every epoch,
 * and the test accuracy before and after the stage is recorded on the state.
 */
final class StageTraining {
    private final Workspace ws;
    /** The checkpoint the plan resumed from (its optimizer and mask-updater state), or null. */
    private final Checkpoint.State resumed;

    StageTraining(Workspace ws, Checkpoint.State resumed) {
        this.ws = ws;
        this.resumed = resumed;
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
    void learn(Stage.Learn l, RunState state, Checkpoint checkpoint, int stageIndex, int resumeAt)
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
        TrainSchedule schedule = t.atDenseCost() ? TrainingCost.atDenseCost(t.schedule(), state) : t.schedule();
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
                state.trainFlops += TrainingCost.trainingFlops(ws.train(), state, from, to, schedule.batchSize());
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
}
