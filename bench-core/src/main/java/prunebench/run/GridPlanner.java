package prunebench.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.config.StrategySpec;
import prunebench.config.TrainSchedule;
import prunebench.model.Network;
import prunebench.prune.CompressionBudget;
import prunebench.prune.Control;
import prunebench.prune.Distribution;
import prunebench.prune.DynamicContext;
import prunebench.prune.DynamicSparsity;
import prunebench.prune.Gmp;
import prunebench.prune.Imp;
import prunebench.prune.InitScale;
import prunebench.prune.PruningStrategy;
import prunebench.prune.StrategyOptions;
import prunebench.prune.StrategyRegistry;
import prunebench.prune.Timing;
import prunebench.prune.structured.StructuredStrategy;

/**
 * Expands an experiment into its runs: seeds x strategies x compressions, seeds outermost so that each seed's
 * dense model is pretrained once and then reused (an iterative strategy is one run per seed, to the largest
 * compression, each of its levels a point of the curve). Resolves the axes around each strategy (timing,
 * distribution, iterations) from its parameters and defaults, and turns a run into its plan of {@link Stage}s.
 * The experiment's {@code budget} scales every epoch count here ({@link Budget}), so that everything downstream
 * (identities, dense cache, training) sees the scaled protocol.
 */
public final class GridPlanner {
    private final StrategyRegistry strategies;

    public GridPlanner(StrategyRegistry strategies) {
        this.strategies = strategies;
    }

    public List<RunSpec> plan(ExperimentSpec e) {
        List<RunSpec> runs = new ArrayList<>();
        double largest = e.pruning().compressions().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        TrainSchedule pretrain = Budget.scale(e.pretrain(), e.budget());
        TrainSchedule finetune = Budget.scale(e.finetune(), e.budget());
        for (long seed : e.seeds()) {
            for (StrategySpec s : e.pruning().strategies()) {
                PruningStrategy strategy = strategies.get(s.name());
                StrategyOptions options = options(s);
                PruningStrategy scorer = strategy;
                if (strategy instanceof Imp || strategy instanceof Gmp) {
                    scorer = strategies.get(options.getString("score"));
                    if (scorer instanceof Imp || scorer instanceof Gmp || scorer instanceof StructuredStrategy
                            || scorer instanceof DynamicSparsity) {
                        throw new ConfigException("strategy '" + s.label() + "': score must name an unstructured, "
                                + "static strategy, got '" + scorer.name() + "'");
                    }
                }
                if (strategy instanceof Imp) {
                    Control control = Control.of(options);
                    if (control == Control.INVERT) {
                        throw new ConfigException("strategy '" + s.label() + "': imp takes control shuffle or reinit");
                    }
                }
                Control control = Control.of(options);
                if (control == Control.SHUFFLE && strategy instanceof StructuredStrategy) {
                    throw new ConfigException("strategy '" + s.label() + "': control shuffle moves single weights; "
                            + "structured strategies take reinit or invert");
                }
                Timing timing = strategy instanceof Imp ? Timing.PRETRAINED : timing(s, options, strategy);
                Distribution distribution = distribution(s, options, scorer);
                int iterations = options.has("iterations") ? options.getInt("iterations") : 1;
                if (iterations < 1) {
                    throw new ConfigException("strategy '" + s.label() + "': iterations must be >= 1, got "
                            + iterations);
                }
                boolean denseFirst = options.has("dense_first_layer") && options.getBoolean("dense_first_layer");
                for (double c : e.pruning().compressions()) {
                    if (strategy instanceof Imp && c != 1 && c != largest) {
                        continue; // its levels pass through the smaller compressions
                    }
                    runs.add(new RunSpec(e.model(), e.dataset(), seed, s, c, e.pruning().pruneClassifier(),
                            e.pruning().pruneBiases(), timing, distribution, iterations, denseFirst, pretrain,
                            finetune, timing == Timing.INIT ? e.pruning().initScale() : InitScale.DENSE,
                            e.pruning().compressionOf(), e.budget()));
                }
            }
        }
        return runs;
    }

    private StrategyOptions options(StrategySpec s) {
        PruningStrategy strategy = strategies.get(s.name());
        StrategyOptions options = new StrategyOptions(s.name(), strategy.parameterDefaults(), s.params());
        try {
            strategy.validate(options);
            Control.of(options);
        } catch (ConfigException ex) {
            throw new ConfigException("strategy '" + s.label() + "': " + ex.getMessage());
        }
        return options;
    }

    /** A run's plan: what its masks cover and its stages. */
    record RunPlan(Granularity granularity, List<Stage> stages) {}

    /** What a run's masks cover. */
    enum Granularity {
        WEIGHTS, CHANNELS;

        Masking bind(Network network, RunSpec spec) {
            return this == CHANNELS ? Masking.channels(network) : Masking.weights(network, spec);
        }
    }

    /**
     * The stages of {@code run}: one-shot = start (pretrained), prune, fine-tune; at init = start (init), prune,
     * train for the whole budget; dynamic = the same with mask updates; iterative = start, then per level prune,
     * (rewind), retrain, record. A control adds a shuffle or reinitialisation after the prune (for an iterative run,
     * in a branch of each level that the lottery-ticket trajectory continues after).
     *
     * @param prunable the number of prunable weights, for the levels of an iterative run
     * @param total    the number of trainable parameters
     */
    RunPlan stages(RunSpec run, long prunable, long countedTotal) {
        // compression_of: prunable counts the prunable tensors alone (see RunExecutor.budget)
        long total = RunExecutor.budget(run, countedTotal, prunable).totalParameters();
        PruningStrategy strategy = strategies.get(run.strategy().name());
        StrategyOptions options = options(run.strategy());
        Control control = Control.of(options);
        long seed = run.seed();
        long controlSeed = seed + 0x9E3779B9L; // another initialisation, another shuffle
        if (strategy instanceof Imp) {
            return new RunPlan(Granularity.WEIGHTS, imp(run, options, control, prunable, total, controlSeed));
        }
        Granularity granularity = strategy instanceof StructuredStrategy ? Granularity.CHANNELS : Granularity.WEIGHTS;
        // the weight budget, for an updater that prunes a dense start to it (network surgery)
        long keep = strategy instanceof DynamicSparsity d0 && d0.prunesFromDense() && !run.isDenseControl()
                && granularity == Granularity.WEIGHTS ? RunExecutor.budget(run, countedTotal, prunable).keep() : -1;
        Stage.MaskUpdates updates = strategy instanceof DynamicSparsity d && !run.isDenseControl()
                ? (c, data) -> d.maskUpdater(new DynamicContext(c.network(), c.targets(), c.masks(), c.optimizer(), c.seed(),
                        options, keep, run.compression()))
                : null;
        TrainSchedule schedule = trainingSchedule(run);
        if (strategy instanceof DynamicSparsity d && d.prunesFromDense()) {
            // the updater finds the masks while training from a dense start: no prune stage
            return new RunPlan(granularity, List.of(new Stage.Start(run.timing()), new Stage.Train(
                    run.timing() == Timing.PRETRAINED ? "finetune" : "sparse", schedule, updates)));
        }
        if (strategy instanceof Gmp && !run.isDenseControl()) {
            PruningStrategy scorer = strategies.get(options.getString("score"));
            GradualPruner.Settings settings = new GradualPruner.Settings(scorer, new StrategyOptions(scorer.name(),
                    scorer.parameterDefaults(), java.util.Map.of()), run.distribution(), run.denseFirstLayer(),
                    new CompressionBudget(total, prunable, run.compression()).keep(), options.getDouble("start"),
                    options.getDouble("end"), options.getInt("every"), schedule.batchSize());
            updates = (c, data) -> new GradualPruner(c, settings, data);
            return new RunPlan(Granularity.WEIGHTS, List.of(new Stage.Start(run.timing()), new Stage.Train(
                    run.timing() == Timing.PRETRAINED ? "finetune" : "sparse", schedule, updates)));
        }
        List<Stage> stages = new ArrayList<>();
        stages.add(new Stage.Start(run.timing()));
        int between = options.has(StructuredStrategy.STEPS_BETWEEN)
                ? options.getInt(StructuredStrategy.STEPS_BETWEEN) : 0;
        if (!run.isDenseControl() && between > 0 && run.iterations() > 1) {
            // iterative: prune to compression^(k/n), train `between` steps of the schedule, ..., then the whole of it
            for (int k = 1; k < run.iterations(); k++) {
                stages.add(new Stage.Prune(strategy, options, new Stage.Amount.Compression(
                        Math.pow(run.compression(), (double) k / run.iterations())), run.distribution(), 1,
                        run.denseFirstLayer(), control == Control.INVERT, schedule.batchSize()));
                stages.add(new Stage.Train("round" + k, schedule, 0, 0, between, null));
            }
            stages.add(new Stage.Prune(strategy, options, new Stage.Amount.Compression(run.compression()),
                    run.distribution(), 1, run.denseFirstLayer(), control == Control.INVERT, schedule.batchSize()));
            stages.add(new Stage.Train(run.timing() == Timing.PRETRAINED ? "finetune" : "sparse", schedule, updates));
            return new RunPlan(granularity, stages);
        }
        if (!run.isDenseControl()) {
            stages.add(new Stage.Prune(strategy, options, new Stage.Amount.Compression(run.compression()),
                    run.distribution(), run.iterations(), run.denseFirstLayer(), control == Control.INVERT,
                    schedule.batchSize()));
            if (control == Control.SHUFFLE) {
                stages.add(new Stage.Shuffle(controlSeed));
            } else if (control == Control.REINIT) {
                stages.add(new Stage.Reinit(controlSeed));
            }
        }
        stages.add(new Stage.Train(run.timing() == Timing.PRETRAINED ? "finetune" : "sparse", schedule, updates));
        return new RunPlan(granularity, stages);
    }

    /** Epochs trained after each prune: an iterative run's retraining per level, otherwise the training stage's. */
    static int epochsAfterPruning(RunSpec spec) {
        if (spec.strategy().name().equals(Imp.NAME)) {
            Object e = spec.strategy().params().get("retrain_epochs");
            return e instanceof Number n && n.intValue() >= 0 ? n.intValue() : spec.pretrain().epochs();
        }
        return trainingSchedule(spec).epochs();
    }

    /** Pruning at init trains sparse for the whole budget: pretrain's optimizer and schedule, both stages' epochs. */
    static TrainSchedule trainingSchedule(RunSpec spec) {
        if (spec.timing() == Timing.PRETRAINED) {
            return spec.finetune();
        }
        TrainSchedule p = spec.pretrain();
        return new TrainSchedule(p.epochs() + spec.finetune().epochs(), p.batchSize(), p.optimizer(), p.lrSchedule());
    }

    /** Level 0 is the dense model; each level after it prunes, (rewinds,) retrains and is recorded. */
    private List<Stage> imp(RunSpec run, StrategyOptions options, Control control, long prunable, long total,
            long controlSeed) {
        List<Stage> stages = new ArrayList<>();
        stages.add(new Stage.Start(Timing.PRETRAINED));
        if (run.isDenseControl()) {
            stages.add(new Stage.Train("finetune", run.finetune(), null));
            return stages;
        }
        double rate = options.getDouble("rate");
        Imp.Retrain retrain = Imp.retrain(options);
        int[] rewindTo = Imp.rewindTo(options);
        int epochs = options.getInt("retrain_epochs") >= 0 ? options.getInt("retrain_epochs") : run.pretrain().epochs();
        TrainSchedule p = run.pretrain();
        TrainSchedule f = run.finetune();
        TrainSchedule schedule = retrain == Imp.Retrain.FINETUNE
                ? new TrainSchedule(epochs, f.batchSize(), f.optimizer(), f.lrSchedule())
                : new TrainSchedule(epochs, p.batchSize(), p.optimizer(), p.lrSchedule());
        PruningStrategy scorer = strategies.get(options.getString("score"));
        StrategyOptions scorerOptions = new StrategyOptions(scorer.name(), scorer.parameterDefaults(),
                java.util.Map.of());
        int levels = levels(prunable, total, rate, run.compression());
        stages.add(new Stage.Level(0));
        for (int level = 1; level <= levels; level++) {
            stages.add(new Stage.Prune(scorer, scorerOptions, new Stage.Amount.Rate(rate), run.distribution(), 1,
                    run.denseFirstLayer(), false, schedule.batchSize()));
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

    static Timing timing(StrategySpec s, StrategyOptions o, PruningStrategy strategy) {
        if (!o.has("at")) {
            return strategy.defaultTiming();
        }
        return switch (o.getString("at")) {
            case "init" -> Timing.INIT;
            case "pretrained" -> Timing.PRETRAINED;
            default -> throw new ConfigException("strategy '" + s.label() + "': at must be 'init' or 'pretrained', got '"
                    + o.getString("at") + "'");
        };
    }

    static Distribution distribution(StrategySpec s, StrategyOptions o, PruningStrategy strategy) {
        if (o.has("distribution") && o.has("scope")) {
            throw new ConfigException("strategy '" + s.label() + "': give either distribution or scope, not both");
        }
        if (o.has("scope")) {
            return switch (o.getString("scope")) {
                case "global" -> Distribution.GLOBAL;
                case "layer" -> Distribution.UNIFORM;
                default -> throw new ConfigException("strategy '" + s.label()
                        + "': scope must be 'global' or 'layer', got '" + o.getString("scope") + "'");
            };
        }
        if (o.has("distribution")) {
            String d = o.getString("distribution").toUpperCase(Locale.ROOT);
            if (d.equals("LAYER")) {
                return Distribution.UNIFORM;
            }
            try {
                return Distribution.valueOf(d);
            } catch (IllegalArgumentException ex) {
                throw new ConfigException("strategy '" + s.label() + "': distribution must be one of global, uniform,"
                        + " erk, got '" + o.getString("distribution") + "'");
            }
        }
        return strategy.defaultDistribution();
    }
}
