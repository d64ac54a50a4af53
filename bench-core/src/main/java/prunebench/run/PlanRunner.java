package prunebench.run;

import java.io.IOException;
import java.util.List;
import prunebench.config.TrainSchedule;
import prunebench.prune.LearnedMask;

/**
 * Folds a plan's stages over a {@link RunState}. After every stage, and after every epoch inside a training stage,
 * the state is checkpointed with its position, so a rerun continues where the last one stopped and, every stage
 * being deterministic, ends with the same numbers. Training and learning stages go through the one
 * training routine, {@link StageTraining}.
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
        StageTraining training = new StageTraining(ws, resumed);
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
                training.train(t, state, checkpoint, i, i == first ? stepsDone : 0);
            } else if (stage instanceof Stage.Learn l) {
                training.learn(l, state, checkpoint, i, i == first ? stepsDone : 0);
            } else if (stage instanceof Stage.Start s) {
                if (s.from() == prunebench.prune.Timing.PRETRAINED) {
                    cache.loadInto(DenseCache.Key.of(spec), state.network, state.manager);
                    state.trainFlops += TrainingCost.trainingFlops(ws.train(), state, 0, spec.pretrain().epochs()
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
                WeightResets.shuffle(state, s.seed());
                records.masks(state);
                spec.initScale().apply(state.masks);
            } else if (stage instanceof Stage.Reinit r) {
                WeightResets.reinitialise(ws, state, r.seed());
                spec.initScale().apply(state.masks);
            } else if (stage instanceof Stage.Rewind r) {
                if (r.iterations() == 0 && r.epochs() == 0) {
                    WeightResets.reinitialise(ws, state, state.seed);
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
}
