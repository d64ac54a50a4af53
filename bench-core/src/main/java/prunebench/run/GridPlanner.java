package prunebench.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.config.StrategySpec;
import prunebench.config.TrainSchedule;
import prunebench.prune.Distribution;
import prunebench.prune.InitScale;
import prunebench.prune.PruningStrategy;
import prunebench.prune.StrategyOptions;
import prunebench.prune.StrategyRegistry;
import prunebench.prune.Timing;

/**
 * Expands an experiment into its runs: seeds x strategies x compressions, seeds outermost so that each seed's
 * dense model is pretrained once and then reused. Resolves the axes around each strategy (timing, distribution,
 * iterations) from its parameters and defaults. The experiment's {@code budget} scales every epoch count here
 * ({@link Budget}), so that everything downstream (identities, dense cache, training) sees the scaled protocol.
 */
public final class GridPlanner {
    private final StrategyRegistry strategies;

    public GridPlanner(StrategyRegistry strategies) {
        this.strategies = strategies;
    }

    public List<RunSpec> plan(ExperimentSpec e) {
        List<RunSpec> runs = new ArrayList<>();
        TrainSchedule pretrain = Budget.scale(e.pretrain(), e.budget());
        TrainSchedule finetune = Budget.scale(e.finetune(), e.budget());
        for (long seed : e.seeds()) {
            for (StrategySpec s : e.pruning().strategies()) {
                PruningStrategy strategy = strategies.get(s.name());
                StrategyOptions options = new StrategyOptions(s.name(), strategy.parameterDefaults(), s.params());
                try {
                    strategy.validate(options);
                } catch (ConfigException ex) {
                    throw new ConfigException("strategy '" + s.label() + "': " + ex.getMessage());
                }
                Timing timing = timing(s, options, strategy);
                Distribution distribution = distribution(s, options, strategy);
                int iterations = options.has("iterations") ? options.getInt("iterations") : 1;
                if (iterations < 1) {
                    throw new ConfigException("strategy '" + s.label() + "': iterations must be >= 1, got "
                            + iterations);
                }
                boolean denseFirst = options.has("dense_first_layer") && options.getBoolean("dense_first_layer");
                for (double c : e.pruning().compressions()) {
                    runs.add(new RunSpec(e.model(), e.dataset(), seed, s, c, e.pruning().pruneClassifier(),
                            e.pruning().pruneBiases(), timing, distribution, iterations, denseFirst, pretrain,
                            finetune, timing == Timing.INIT ? e.pruning().initScale() : InitScale.DENSE,
                            e.pruning().compressionOf(), e.budget()));
                }
            }
        }
        return runs;
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
