package prunebench.run;

import java.util.ArrayList;
import java.util.List;
import prunebench.config.ExperimentSpec;
import prunebench.config.StrategySpec;
import prunebench.config.PenaltySpec;
import prunebench.config.TrainSchedule;
import prunebench.config.ConfigException;
import prunebench.model.Network;
import prunebench.prune.Control;
import prunebench.prune.DynamicContext;
import prunebench.prune.DynamicSparsity;
import prunebench.prune.Gmp;
import prunebench.prune.LearnedMask;
import prunebench.prune.PenalizedStrategy;
import prunebench.prune.InitScale;
import prunebench.prune.PruningStrategy;
import prunebench.prune.Scratch;
import prunebench.prune.StrategyOptions;
import prunebench.prune.StrategyRegistry;
import prunebench.prune.Timing;
import prunebench.prune.structured.StructuredStrategy;

/**
 * Expands an experiment into its runs: seeds x strategies x compressions, seeds outermost so that each seed's
 * dense model is pretrained once and then reused (an iterative strategy is one run per seed, to the largest
 * compression, each of its levels a point of the curve), and turns a run into its plan of {@link Stage}s. Each
 * strategy's axes are resolved and checked by {@link StrategyAxes}, iterative plans built by {@link IterativePlan}.
 * The experiment's {@code budget} scales every epoch count here ({@link Budget}), so that everything downstream
 * (identities, dense cache, training) sees the scaled protocol.
 */
public final class GridPlanner {
    private final StrategyRegistry strategies;

    public GridPlanner(StrategyRegistry strategies) {
        this.strategies = strategies;
    }

    /**
     * The most runs one experiment may plan: a results folder, its runs.csv and a dry run's listing are meant for
     * thousands (10,000 plan in seconds); a larger grid is refused before any run is planned, so that a typo
     * (a million seeds) costs neither minutes nor gigabytes. Split such a study into several experiments.
     */
    public static final long MAX_RUNS = 10_000;

    public List<RunSpec> plan(ExperimentSpec e) {
        double largest = e.pruning().compressions().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        checkSize(e, largest);
        List<RunSpec> runs = new ArrayList<>();
        TrainSchedule pretrain = Budget.scale(e.pretrain(), e.budget());
        TrainSchedule finetune = Budget.scale(e.finetune(), e.budget());
        for (long seed : e.seeds()) {
            for (StrategySpec s : e.pruning().strategies()) {
                StrategyAxes axes = StrategyAxes.of(s, strategies);
                // a run that trains from an initialisation starts at the experiment's init scale
                boolean fromInit = axes.timing() == Timing.INIT || axes.scratch() != Scratch.NONE;
                TrainSchedule runPretrain = pretrain;
                if (axes.strategy() instanceof PenalizedStrategy ps && ps.duringPretraining()) {
                    if (pretrain.penalty() != null) {
                        throw new ConfigException("strategy '" + s.label() + "' trains the dense model with its own "
                                + "penalty; pretrain.penalty is set too (use one or the other)");
                    }
                    if (axes.timing() != Timing.PRETRAINED) {
                        throw new ConfigException("strategy '" + s.label() + "' prunes the dense model it trains "
                                + "with its penalty: it takes at: pretrained only");
                    }
                    runPretrain = pretrain.withPenalty(ps.penalty(axes.options()));
                }
                for (double c : e.pruning().compressions()) {
                    if (axes.iterative() && c != 1 && c != largest) {
                        continue; // its levels pass through the smaller compressions
                    }
                    runs.add(new RunSpec(e.model(), e.dataset(), seed, s, c, e.pruning().pruneClassifier(),
                            e.pruning().pruneBiases(), axes.timing(), axes.distribution(), axes.iterations(),
                            axes.denseFirst(), c == 1 ? pretrain : runPretrain, finetune,
                            !fromInit ? InitScale.DENSE : axes.initScale() != null ? axes.initScale()
                                    : e.pruning().initScale(),
                            e.pruning().compressionOf(), e.budget()));
                }
            }
        }
        return runs;
    }

    /** Counts the grid's runs (seeds x strategies x compressions; one per seed for imp) before building any. */
    private void checkSize(ExperimentSpec e, double largest) {
        long perSeed = 0;
        int compressions = e.pruning().compressions().size();
        boolean dense = e.pruning().compressions().contains(1.0);
        for (StrategySpec s : e.pruning().strategies()) {
            boolean iterative = strategies.get(s.name()) instanceof prunebench.prune.Imp;
            perSeed += iterative ? (dense ? 1 : 0) + (largest > 1 ? 1 : 0) : compressions;
            if (iterative) {
                IterativePlan.checkLevels(s, StrategyAxes.of(s, strategies).options().getDouble("rate"), largest);
            }
        }
        long runs = perSeed * e.seeds().size();
        if (runs > MAX_RUNS) {
            throw new ConfigException(String.format(java.util.Locale.ROOT, "the grid has %,d runs (%,d seeds x %d "
                    + "strategies x %d compressions), more than the %,d one experiment may plan; split it into "
                    + "several experiments (e.g. by seeds or strategies)", runs, e.seeds().size(),
                    e.pruning().strategies().size(), compressions, MAX_RUNS));
        }
    }

    /**
     * What depends on the size of the training split, checked before anything is trained (also by a dry run, from
     * the dataset's description when its files are not here): an iterative run's rewinding point.
     */
    public void checkTrainingSize(List<RunSpec> runs, int trainSize) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (RunSpec run : runs) {
            if (run.isDenseControl() || !seen.add(run.strategy().label())) {
                continue; // one check per strategy (the runs of a label share its schedules)
            }
            StrategyAxes axes = StrategyAxes.of(run.strategy(), strategies);
            if (axes.iterative()) {
                IterativePlan.checkRewind(run, axes, trainSize);
            }
        }
    }

    /** A run's plan: what its masks cover and its stages. */
    record RunPlan(Granularity granularity, List<Stage> stages) {}

    /**
     * What a run's masks cover: single weights, whole channels, or whole channels and whole residual-stream channels
     * (a structured strategy whose {@code removesTiedGroups} is true: vacl).
     */
    enum Granularity {
        WEIGHTS, CHANNELS, CHANNELS_AND_TIES;

        Masking bind(Network network, RunSpec spec, prunebench.model.TorchNames names) {
            return this == WEIGHTS ? Masking.weights(network, spec, names)
                    : Masking.channels(network, this == CHANNELS_AND_TIES);
        }
    }

    /**
     * The stages of {@code run}: one-shot = start (pretrained), prune, fine-tune; at init = start (init), prune,
     * train for the whole budget; dynamic = the same with mask updates; gradual = start, train with a gradual pruner;
     * scratch = start (pretrained), prune, fresh weights, train as the dense model did; iterative: see
     * {@link IterativePlan}. A control adds a shuffle or reinitialisation after the prune.
     */
    RunPlan stages(RunSpec run, NetworkSize size) {
        // compression_of: prunable counts the prunable tensors alone (see RunExecutor.budget)
        long total = RunExecutor.budget(run, size.total(), size.prunable()).totalParameters();
        StrategyAxes axes = StrategyAxes.of(run.strategy(), strategies);
        long controlSeed = run.seed() + 0x9E3779B9L; // another initialisation, another shuffle
        if (axes.iterative()) {
            return new RunPlan(Granularity.WEIGHTS, IterativePlan.stages(run, axes, size, total, controlSeed));
        }
        Granularity granularity = axes.strategy() instanceof StructuredStrategy st && st.removesChannels(axes.options())
                || axes.strategy() instanceof Gmp && axes.scorer() instanceof StructuredStrategy
                ? Granularity.CHANNELS : Granularity.WEIGHTS;
        if (granularity == Granularity.CHANNELS && axes.strategy() instanceof StructuredStrategy st
                && st.removesTiedGroups(axes.options())) {
            granularity = Granularity.CHANNELS_AND_TIES;
        }
        String label = run.timing() == Timing.PRETRAINED ? "finetune" : "sparse";
        TrainSchedule schedule = trainingSchedule(run);
        List<Stage> stages = new ArrayList<>(List.of(new Stage.Start(run.timing())));
        if (run.isDenseControl()) {
            stages.add(new Stage.Train(label, schedule, null));
            return new RunPlan(granularity, stages);
        }
        // the weight budget, for an updater that prunes a dense start to it (network surgery)
        long keep = axes.strategy() instanceof DynamicSparsity d0 && d0.prunesFromDense()
                && granularity == Granularity.WEIGHTS ? RunExecutor.budget(run, size.total(), size.prunable()).keep()
                : -1;
        Stage.MaskUpdates updates = axes.strategy() instanceof DynamicSparsity d
                ? (c, data) -> d.maskUpdater(new DynamicContext(c.network(), c.targets(), c.masks(), c.optimizer(),
                        c.seed(), axes.options(), keep, run.compression(), c.torchName()))
                : null;
        if (axes.strategy() instanceof DynamicSparsity d && d.prunesFromDense()) {
            // the updater finds the masks while training from a dense start: no prune stage
            stages.add(new Stage.Train(label, schedule, updates));
            return new RunPlan(granularity, stages);
        }
        if (axes.strategy() instanceof Gmp) {
            // a channel score prunes filters gradually: channel masks, the compression as one-shot channel runs mean it
            boolean channels = axes.scorer() instanceof StructuredStrategy;
            GradualPruner.Settings settings = new GradualPruner.Settings(axes.scorer(), axes.scorerOptions(),
                    run.distribution(), run.denseFirstLayer(), channels ? -1 : RunExecutor.budget(run, size.total(),
                    size.prunable()).keep(), axes.options().getDouble("start"), axes.options().getDouble("end"),
                    axes.options().getInt("every"), schedule.batchSize(), channels, run.compression());
            stages.add(new Stage.Train(label, schedule, (c, data) -> new GradualPruner(c, settings, data)));
            return new RunPlan(channels ? Granularity.CHANNELS : Granularity.WEIGHTS, stages);
        }
        TrainSchedule learning = learningSchedule(axes.strategy(), axes.options(), schedule, run.budget());
        if (axes.strategy() instanceof LearnedMask learned) {
            stages.add(new Stage.Learn("learn", learning, learned, axes.options()));
        } else if (axes.strategy() instanceof PenalizedStrategy ps && !ps.duringPretraining()) {
            PenaltySpec penalty = ps.penalty(axes.options(), run.compression());
            if (penalty.needsKeep()) { // swd, lc: toward the run's weight budget
                penalty = penalty.withKeep(RunExecutor.budget(run, size.total(), size.prunable()).keep());
            }
            stages.add(new Stage.Train("sparsify", learning.withPenalty(penalty), null));
        }
        boolean invert = axes.control() == Control.INVERT;
        int between = axes.options().has(StructuredStrategy.STEPS_BETWEEN)
                ? axes.options().getInt(StructuredStrategy.STEPS_BETWEEN) : 0;
        if (between > 0 && run.iterations() > 1) {
            // iterative: prune to compression^(k/n), train `between` steps of the schedule, ..., then the whole of it
            for (int k = 1; k < run.iterations(); k++) {
                stages.add(new Stage.Prune(axes.strategy(), axes.options(), new Stage.Amount.Compression(
                        Math.pow(run.compression(), (double) k / run.iterations())), run.distribution(), 1,
                        run.denseFirstLayer(), invert, schedule.batchSize()));
                stages.add(new Stage.Train("round" + k, schedule, 0, 0, between, null));
            }
            stages.add(new Stage.Prune(axes.strategy(), axes.options(), new Stage.Amount.Compression(
                    run.compression()), run.distribution(), 1, run.denseFirstLayer(), invert, schedule.batchSize()));
        } else {
            stages.add(new Stage.Prune(axes.strategy(), axes.options(), new Stage.Amount.Compression(
                    run.compression()), run.distribution(), run.iterations(), run.denseFirstLayer(), invert,
                    schedule.batchSize()));
        }
        if (axes.control() == Control.SHUFFLE) {
            stages.add(new Stage.Shuffle(controlSeed));
        } else if (axes.control() == Control.REINIT) {
            stages.add(new Stage.Reinit(controlSeed));
        }
        if (axes.scratch() != Scratch.NONE) {
            stages.add(new Stage.Reinit(controlSeed)); // a fresh initialisation, not the one the masks came from
            stages.add(new Stage.Train("scratch", run.pretrain(), 0, 0, -1, null, axes.scratch() == Scratch.FLOPS));
        } else {
            stages.add(new Stage.Train(label, schedule, updates));
        }
        return new RunPlan(granularity, stages);
    }

    /**
     * The schedule of a learned or penalised strategy's training before its prune: {@code schedule} (the run's
     * training stage), for {@code learn_epochs} epochs when given (scaled by the budget), with a learned strategy's
     * optimizer at
     * {@code learn_lr}; null for other strategies.
     */
    static TrainSchedule learningSchedule(PruningStrategy strategy, StrategyOptions options, TrainSchedule schedule,
            double budget) {
        if (!(strategy instanceof LearnedMask) && !(strategy instanceof PenalizedStrategy)) {
            return null;
        }
        int epochs = options.has(LearnedMask.LEARN_EPOCHS) ? options.getInt(LearnedMask.LEARN_EPOCHS) : -1;
        TrainSchedule s = epochs < 0 ? schedule // already scaled by the budget
                : schedule.withEpochs(epochs == 0 || budget == 1 ? epochs : Math.max(1, (int) Math.round(epochs
                        * budget)));
        if (strategy instanceof LearnedMask learned) {
            s = new TrainSchedule(s.epochs(), s.batchSize(), learned.learnOptimizer(options), s.lrSchedule(),
                    s.penalty());
        }
        return s;
    }

    /** Pruning at init trains sparse for the whole budget: pretrain's optimizer and schedule, both stages' epochs. */
    static TrainSchedule trainingSchedule(RunSpec spec) {
        if (spec.timing() == Timing.PRETRAINED) {
            return spec.finetune();
        }
        TrainSchedule p = spec.pretrain();
        return new TrainSchedule(p.epochs() + spec.finetune().epochs(), p.batchSize(), p.optimizer(), p.lrSchedule());
    }
}
