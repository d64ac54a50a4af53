package prunebench.run;

import java.util.Locale;
import prunebench.config.ConfigException;
import prunebench.config.StrategySpec;
import prunebench.prune.Control;
import prunebench.prune.Distribution;
import prunebench.prune.DynamicSparsity;
import prunebench.prune.Gmp;
import prunebench.prune.Imp;
import prunebench.prune.PruningStrategy;
import prunebench.prune.Scratch;
import prunebench.prune.StrategyOptions;
import prunebench.prune.StrategyRegistry;
import prunebench.prune.Timing;
import prunebench.prune.structured.StructuredStrategy;

/**
 * A strategy of the experiment, checked once: its options over its defaults and the axes around its score (when it
 * prunes, how the sparsity is spread, how many rounds, what scores an iterative or gradual strategy, the control and
 * the scratch retraining). Every combination that cannot run is bad input here, naming the strategy's label.
 */
record StrategyAxes(PruningStrategy strategy, StrategyOptions options, PruningStrategy scorer, Control control,
        Scratch scratch, Timing timing, Distribution distribution, int iterations, boolean denseFirst,
        prunebench.prune.InitScale initScale) {

    static StrategyAxes of(StrategySpec s, StrategyRegistry strategies) {
        PruningStrategy strategy = strategies.get(s.name());
        StrategyOptions options = new StrategyOptions(s.name(), strategy.parameterDefaults(), s.params());
        Control control;
        Scratch scratch;
        try {
            strategy.validate(options);
            control = Control.of(options);
            scratch = Scratch.of(options);
        } catch (ConfigException ex) {
            throw error(s, ex.getMessage());
        }
        boolean iterative = strategy instanceof Imp;
        boolean gradual = strategy instanceof Gmp;
        PruningStrategy scorer = strategy;
        if (iterative || gradual) {
            scorer = strategies.get(options.getString("score"));
            if (iterative && scorer instanceof StructuredStrategy) {
                throw error(s, "imp with score '" + scorer.name() + "' would remove channels iteratively "
                        + "(iterative filter pruning), which is not supported: imp removes single weights; name a "
                        + "weight score such as global_magnitude, prune channels gradually with {name: gmp, score: "
                        + scorer.name() + "}, or in rounds with {name: " + scorer.name() + ", iterations: n}");
            }
            if (scorer instanceof Imp || scorer instanceof Gmp || scorer instanceof DynamicSparsity
                    || scorer instanceof prunebench.prune.LearnedMask
                    || scorer instanceof prunebench.prune.PenalizedStrategy) {
                throw error(s, "score must name an unstructured, static strategy, got '" + scorer.name() + "'");
            }
        }
        if (iterative && options.has("at")) {
            throw error(s, "imp prunes the pretrained network level by level, so 'at' does not apply (it would "
                    + "only change the run ids); leave it out, or prune at init with a one-shot strategy");
        }
        if (iterative && control == Control.INVERT) {
            throw error(s, "imp takes control shuffle or reinit");
        }
        if (control == Control.SHUFFLE && strategy instanceof StructuredStrategy) {
            throw error(s, "control shuffle moves single weights; structured strategies take reinit or invert");
        }
        Timing timing = iterative ? Timing.PRETRAINED : timing(s, options, strategy);
        if (scratch != Scratch.NONE && (gradual || strategy instanceof DynamicSparsity)) {
            throw error(s, "retrain: scratch trains a pruned network's masks from fresh weights; " + strategy.name()
                    + " changes its masks while it trains, so there is no pruned network to start from");
        }
        if (scratch != Scratch.NONE && timing == Timing.INIT) {
            throw error(s, "retrain: scratch retrains the masks of a trained network from fresh weights; with at: "
                    + "init the network already trains from its initialisation (leave one of the two out)");
        }
        int iterations = options.has("iterations") ? options.getInt("iterations") : 1;
        if (iterations < 1) {
            throw error(s, "iterations must be >= 1, got " + iterations);
        }
        boolean denseFirst = options.has("dense_first_layer") && options.getBoolean("dense_first_layer");
        // gmp's layer-wise uniform sparsity is the method's, whatever weight score ranks within a layer; a channel
        // score (gradual filter pruning) keeps its own default
        Distribution distribution = distribution(s, options,
                gradual && !(scorer instanceof StructuredStrategy) ? strategy : scorer);
        checkLayerDensities(s, options, distribution, gradual, scorer);
        if (iterative && !prunebench.prune.LayerRates.of(options).isEmpty() && distribution != Distribution.UNIFORM) {
            throw error(s, "layer_rates prunes each layer named by its own fraction, within the layer: it needs "
                    + "distribution: uniform, got " + distribution.name().toLowerCase(Locale.ROOT));
        }
        if (gradual && scorer instanceof StructuredStrategy && distribution == Distribution.ERK) {
            throw error(s, "gmp with score '" + scorer.name() + "' removes channels: distribution global or uniform "
                    + "(scope global or layer), not erk");
        }
        prunebench.prune.InitScale initScale = null; // the experiment's pruning.init_scale
        if (options.has(prunebench.prune.InitScale.KEY)) {
            try {
                initScale = prunebench.prune.InitScale.of(options.getString(prunebench.prune.InitScale.KEY));
            } catch (ConfigException ex) {
                throw error(s, ex.getMessage());
            }
            if (timing != Timing.INIT && scratch == Scratch.NONE) {
                throw error(s, "init_scale sets the weights a sparse network starts training from: it applies to a "
                        + "strategy pruned at init (at: init) or retrained from scratch, not to this one, which "
                        + "fine-tunes the pretrained network");
            }
        }
        return new StrategyAxes(strategy, options, scorer, control, scratch, timing, distribution, iterations,
                denseFirst, initScale);
    }

    /**
     * {@code distribution: layer_densities} comes with its map and the map with it; its values are densities in
     * (0, 1] (the names are checked against the model's prunable layers when the network is built:
     * ExperimentRunner). It shapes single-weight masks where {@link prunebench.run.Masking} prunes them: gmp's
     * pruner and channel removal have no per-layer densities.
     */
    private static void checkLayerDensities(StrategySpec s, StrategyOptions o, Distribution distribution,
            boolean gradual, PruningStrategy scorer) {
        boolean named = distribution == Distribution.LAYER_DENSITIES;
        if (named && !o.has(prunebench.prune.LayerDensities.KEY)) {
            throw error(s, "distribution layer_densities needs layer_densities: a map of every prunable layer (as "
                    + "in layers.csv) to its density, e.g. {fc1: 0.08, fc2: 0.09, fc3: 0.26}");
        }
        if (!named && o.has(prunebench.prune.LayerDensities.KEY)) {
            throw error(s, "layer_densities applies with distribution: layer_densities, got distribution "
                    + distribution.name().toLowerCase(Locale.ROOT) + "; add distribution: layer_densities");
        }
        if (!named) {
            return;
        }
        try {
            prunebench.prune.LayerDensities.of(o);
        } catch (ConfigException ex) {
            throw error(s, ex.getMessage());
        }
        if (gradual) {
            throw error(s, "distribution layer_densities is not supported by gmp (its gradual pruner spreads the "
                    + "sparsity itself); use it with a one-shot strategy or imp");
        }
        if (scorer instanceof StructuredStrategy) {
            throw error(s, "distribution layer_densities sets densities of single weights; '" + scorer.name()
                    + "' removes channels (for fixed per-layer channel fractions see layer_fractions)");
        }
    }

    /** Prunes iteratively ({@code imp}): one run per seed whose levels are the curve. */
    boolean iterative() {
        return strategy instanceof Imp;
    }

    /** The defaults of the scorer of {@code imp} and {@code gmp} (which take no parameters of their own). */
    StrategyOptions scorerOptions() {
        return new StrategyOptions(scorer.name(), scorer.parameterDefaults(), java.util.Map.of());
    }

    private static ConfigException error(StrategySpec s, String message) {
        return new ConfigException("strategy '" + s.label() + "': " + withoutStrategy(message));
    }

    /** A message without the {@code strategy '<name>': } its author put first, which the caller adds itself. */
    static String withoutStrategy(String message) {
        return message.replaceFirst("^strategy '[^']*': ", "");
    }

    private static Timing timing(StrategySpec s, StrategyOptions o, PruningStrategy strategy) {
        if (!o.has("at")) {
            return strategy.defaultTiming();
        }
        return switch (o.getString("at")) {
            case "init" -> Timing.INIT;
            case "pretrained" -> Timing.PRETRAINED;
            default -> throw error(s, "at must be 'init' or 'pretrained', got '" + o.getString("at") + "'");
        };
    }

    private static Distribution distribution(StrategySpec s, StrategyOptions o, PruningStrategy strategy) {
        if (o.has("distribution") && o.has("scope")) {
            throw error(s, "give either distribution or scope, not both");
        }
        if (o.has("scope")) {
            return switch (o.getString("scope")) {
                case "global" -> Distribution.GLOBAL;
                case "layer" -> Distribution.UNIFORM;
                default -> throw error(s, "scope must be 'global' or 'layer', got '" + o.getString("scope") + "'");
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
                throw error(s, "distribution must be one of global, uniform, erk, layer_densities, got '"
                        + o.getString("distribution") + "'");
            }
        }
        return strategy.defaultDistribution();
    }
}
