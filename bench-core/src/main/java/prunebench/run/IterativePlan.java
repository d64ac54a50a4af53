package prunebench.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import prunebench.config.TrainSchedule;
import prunebench.prune.CompressionBudget;
import prunebench.prune.Control;
import prunebench.prune.Imp;
import prunebench.prune.LayerRates;
import prunebench.prune.StrategyOptions;
import prunebench.prune.Timing;

/**
 * The stages of an iterative ({@code imp}) run, as OpenLTH's levels: level 0 is the dense model; each level after it
 * prunes {@code rate} of the weights still kept, (rewinds,) retrains and is recorded. A control ({@code shuffle},
 * {@code reinit}) is a branch of each level off the lottery-ticket trajectory, which goes on after it.
 */
final class IterativePlan {
    private IterativePlan() {}

    static List<Stage> stages(RunSpec run, StrategyAxes axes, NetworkSize size, long total, long controlSeed) {
        List<Stage> stages = new ArrayList<>();
        stages.add(new Stage.Start(Timing.PRETRAINED));
        if (run.isDenseControl()) {
            stages.add(new Stage.Train("finetune", run.finetune(), null));
            return stages;
        }
        StrategyOptions options = axes.options();
        Control control = axes.control();
        double rate = options.getDouble("rate");
        Imp.Retrain retrain = Imp.retrain(options);
        int[] rewindTo = Budget.rewindTo(Imp.rewindTo(options), run.budget());
        TrainSchedule from = retrain == Imp.Retrain.FINETUNE ? run.finetune() : run.pretrain();
        // the schedule as it is, for other epochs (its milestones stay where the file puts them)
        TrainSchedule schedule = new TrainSchedule(retrainEpochs(run), from.batchSize(), from.optimizer(),
                from.lrSchedule());
        int levels = levels(size, total, options, run.compression(), run.model());
        stages.add(new Stage.Level(0));
        for (int level = 1; level <= levels; level++) {
            stages.add(new Stage.Prune(axes.scorer(), axes.scorerOptions(), new Stage.Amount.Rate(rate),
                    run.distribution(), 1, run.denseFirstLayer(), false, schedule.batchSize()));
            String label = "level" + level;
            if (control != Control.NONE) {
                stages.add(new Stage.Stash());
                if (control == Control.SHUFFLE) {
                    stages.add(new Stage.Shuffle(controlSeed + level));
                }
                retrain(stages, retrain, rewindTo, schedule, label + "-" + control.name().toLowerCase(Locale.ROOT));
                if (control == Control.REINIT) {
                    stages.add(stages.size() - 1, new Stage.Reinit(controlSeed + level));
                }
                stages.add(new Stage.Level(level));
                if (level == levels) {
                    break; // the trajectory's last retraining would only give masks for a level not run
                }
                stages.add(new Stage.Restore());
            }
            retrain(stages, retrain, rewindTo, schedule, label);
            if (control == Control.NONE) {
                stages.add(new Stage.Level(level));
            }
        }
        return stages;
    }

    /** The most levels an iterative run may have: OpenLTH's deepest published runs have about 30. */
    static final int MAX_LEVELS = 200;

    /**
     * Refuses a {@code rate} that needs more than {@link #MAX_LEVELS} levels to reach {@code compression}, estimated
     * before the network is built: levels of removing {@code rate} of what remains reach a density 1/compression of
     * the prunable weights after ln(compression) / -ln(1 - rate) of them (at least as many counting the parameters
     * that are never pruned).
     */
    static void checkLevels(prunebench.config.StrategySpec s, double rate, double compression) {
        double estimate = Math.ceil(Math.log(compression) / -Math.log1p(-rate) - 1e-9);
        if (estimate > MAX_LEVELS) {
            throw new prunebench.config.ConfigException(String.format(Locale.ROOT, "strategy '%s': rate: %s "
                    + "reaches compression %s in about %,.0f levels (each retraining for a whole schedule); more "
                    + "than %d is refused: raise rate (0.2, OpenLTH's, reaches it in %d)", s.label(),
                    java.math.BigDecimal.valueOf(rate).stripTrailingZeros().toPlainString(),
                    ExperimentRunner.fmt(compression), estimate, MAX_LEVELS,
                    (long) Math.ceil(Math.log(compression) / -Math.log1p(-0.2) - 1e-9)));
        }
    }

    /**
     * Refuses a rewinding point that dense training never reaches or that leaves a level nothing to retrain: the
     * point is an optimizer step of pretraining ({@code rewind_to} iterations, or epochs of {@code trainSize}
     * examples in batches of pretraining's size, both scaled by {@code --budget} as the epochs are), and each level
     * retrains from it to the end of its schedule.
     */
    static void checkRewind(RunSpec run, StrategyAxes axes, int trainSize) {
        if (run.isDenseControl() || Imp.retrain(axes.options()) != Imp.Retrain.REWIND_WEIGHTS) {
            return;
        }
        int[] rewindTo = Budget.rewindTo(Imp.rewindTo(axes.options()), run.budget());
        int batch = run.pretrain().batchSize();
        long perEpoch = Math.max(1, ((long) trainSize + batch - 1) / batch);
        long point = rewindTo[0] + rewindTo[1] * perEpoch;
        long pretrainSteps = run.pretrain().epochs() * perEpoch;
        long retrainSteps = retrainEpochs(run) * perEpoch;
        String given = rewindTo[1] > 0 ? "{epochs: " + rewindTo[1] + "} (step " + point + ")"
                : rewindTo[0] + " (iterations)";
        String steps = run.pretrain().epochs() + " epochs x " + perEpoch + " steps (" + trainSize
                + " training images in batches of " + batch + ") = " + pretrainSteps + " steps";
        if (point > pretrainSteps) {
            throw new prunebench.config.ConfigException("strategy '" + run.strategy().label() + "': rewind_to: "
                    + given + " is beyond the end of pretraining, " + steps + "; give an iteration below "
                    + pretrainSteps + " or {epochs: k} with k < " + run.pretrain().epochs());
        }
        if (point >= retrainSteps) {
            throw new prunebench.config.ConfigException("strategy '" + run.strategy().label() + "': rewind_to: "
                    + given + " leaves every level nothing to retrain: a level retrains from there to the end of its "
                    + retrainEpochs(run) + " epochs (" + retrainSteps + " steps; pretraining is " + steps
                    + "); give a point before step " + retrainSteps + " or raise retrain_epochs");
        }
    }

    /**
     * Epochs each level retrains: {@code retrain_epochs} scaled by the experiment's budget like every epoch count,
     * or by default the (already scaled) dense training's.
     */
    static int retrainEpochs(RunSpec run) {
        Object e = run.strategy().params().get("retrain_epochs");
        return e instanceof Number n && n.intValue() >= 0 ? Budget.epochs(n.intValue(), run.budget())
                : run.pretrain().epochs();
    }

    private static void retrain(List<Stage> stages, Imp.Retrain retrain, int[] rewindTo, TrainSchedule schedule,
            String label) {
        if (retrain == Imp.Retrain.REWIND_WEIGHTS) {
            stages.add(new Stage.Rewind(rewindTo[0], rewindTo[1]));
            stages.add(new Stage.Train(label, schedule, rewindTo[0], rewindTo[1], -1, null));
        } else {
            stages.add(new Stage.Train(label, schedule, null));
        }
    }

    /**
     * Levels of removing {@code rate} of the remaining prunable weights (rounded up) until the compression reaches
     * {@code compression} (at least one level).
     */
    static int levels(long prunable, long total, double rate, double compression) {
        long keep = new CompressionBudget(total, prunable, compression).keep();
        long kept = prunable;
        int levels = 0;
        while (kept > keep && kept > 0) {
            kept -= (long) Math.ceil(rate * kept);
            levels++;
        }
        return Math.max(1, levels);
    }

    /**
     * The levels of imp's {@code options} to {@code compression}: with {@code layer_rates}, each tensor removing its
     * own rate a level ({@link LayerRates#levels}), otherwise {@link #levels(long, long, double, double)} (also
     * where the tensors are not known).
     */
    static int levels(NetworkSize size, long total, StrategyOptions options, double compression, String model) {
        double rate = options.getDouble("rate");
        java.util.Map<String, Double> given = LayerRates.of(options);
        if (given.isEmpty() || size.tensors().isEmpty()) {
            return levels(size.prunable(), total, rate, compression);
        }
        long keep = new CompressionBudget(total, size.prunable(), compression).keep();
        List<prunebench.prune.LayerDensities.Tensor> names = size.tensors().stream().map(NetworkSize.Tensor::name)
                .toList();
        long[] sizes = size.tensors().stream().mapToLong(NetworkSize.Tensor::size).toArray();
        return LayerRates.levels(sizes, LayerRates.resolve(given, rate, names, model), keep);
    }

    /** The levels of {@code run}'s imp {@code options} on a network of this size. */
    static int levels(RunSpec run, StrategyOptions options, NetworkSize size) {
        long total = RunExecutor.budget(run, size.total(), size.prunable()).totalParameters();
        return levels(size, total, options, run.compression(), run.model());
    }
}
