package prunebench.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.util.List;
import java.util.function.DoubleFunction;
import prunebench.config.ConfigException;
import prunebench.config.ExperimentSpec;
import prunebench.data.DatasetRegistry;
import prunebench.data.ImageData;
import prunebench.model.ModelFactory;
import prunebench.model.Network;
import prunebench.model.TorchNames;
import prunebench.prune.CompressionBudget;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyRegistry;
import prunebench.util.TorchLogLevel;

/**
 * What {@link ExperimentRunner} checks of an experiment before anything is trained, beyond the grid itself: the model
 * against the images, the structured strategies' layers and targets, {@code layer_densities}' names, the output
 * files' names, BatchNorm penalties and the reachable compressions, each on a network built (seed 0, CPU) only to be
 * checked.
 */
final class PlanChecks {
    private final DatasetRegistry datasets;
    private final StrategyRegistry strategies;
    private final PrintStream log;

    PlanChecks(DatasetRegistry datasets, StrategyRegistry strategies, PrintStream log) {
        this.datasets = datasets;
        this.strategies = strategies;
        this.log = log;
    }

    /** A CPU manager for building a network to check, with libtorch's warnings kept off the terminal. */
    private static NDManager cpuManager() {
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        TorchLogLevel.apply();
        return manager;
    }

    /**
     * The model against the images read, for datasets that could not describe themselves when the experiment was
     * loaded (image folders, plug-ins); the loader checked the others.
     */
    void checkInput(ExperimentSpec spec, ModelFactory model, ImageData data) {
        String name = spec.dataset().name();
        if (datasets.get(name).describe(name).isPresent()) {
            return;
        }
        prunebench.data.DataShape shape = prunebench.data.DataShape.of(data);
        prunebench.model.InputFit.refusal(model, name, shape).ifPresent(why -> {
            throw new ConfigException("model: " + why);
        });
        prunebench.model.InputFit.warning(model, name, shape).ifPresent(why -> log.println("warning: model: " + why));
    }

    /** Structured strategies' layer names exist in the model; their targets count all parameters. */
    void checkStructured(ExperimentSpec spec, ModelFactory model, ImageData data) {
        for (prunebench.config.StrategySpec s : spec.pruning().strategies()) {
            StrategyAxes axes = StrategyAxes.of(s, strategies); // gmp with a channel score prunes channels too
            if (!(axes.scorer() instanceof prunebench.prune.structured.StructuredStrategy structured)) {
                continue;
            }
            if (axes.scorer() == axes.strategy() && !structured.removesChannels(axes.options())) {
                checkSingleWeightTargets(spec, model, data, s, structured, axes.options());
                continue; // single-weight masks (soft_filter zeroing filters only)
            }
            if (prunebench.config.PruningSpec.PRUNABLE.equals(spec.pruning().compressionOf())) {
                throw new ConfigException("pruning.compression_of: prunable applies to weight pruning; strategy '"
                        + s.label() + "' removes channels, whose targets count all parameters (or multiply-adds)");
            }
            try (NDManager manager = cpuManager()) {
                Network net = checkedNetwork(model, data, manager);
                prunebench.prune.structured.ChannelPruner pruner = new prunebench.prune.structured.ChannelPruner(net);
                pruner.checkOptions(axes.scorer() != axes.strategy() ? axes.scorerOptions()
                        : new prunebench.prune.StrategyOptions(s.name(), structured.parameterDefaults(), s.params()));
                structured.checkNetwork(net, pruner.groups());
            } catch (ConfigException e) {
                throw new ConfigException("strategy '" + s.label() + "': " + e.getMessage());
            }
        }
    }

    /** {@code layer_densities} names every prunable tensor of the model once, and only those. */
    void checkLayerDensities(ExperimentSpec spec, ModelFactory model, ImageData data) {
        for (prunebench.config.StrategySpec s : spec.pruning().strategies()) {
            StrategyAxes axes = StrategyAxes.of(s, strategies);
            boolean rates = axes.iterative() && !prunebench.prune.LayerRates.of(axes.options()).isEmpty();
            if (axes.distribution() != prunebench.prune.Distribution.LAYER_DENSITIES && !rates) {
                continue;
            }
            try (NDManager manager = cpuManager()) {
                Network net = checkedNetwork(model, data, manager);
                List<PruningTarget> targets = PruningTargets.of(net, spec.pruning().pruneClassifier(),
                        spec.pruning().pruneBiases());
                TorchNames names = TorchNames.of(model, net);
                if (rates) {
                    prunebench.prune.LayerRates.resolve(prunebench.prune.LayerRates.of(axes.options()),
                            axes.options().getDouble("rate"),
                            targets.stream().map(t -> prunebench.prune.LayerDensities.Tensor.of(t, names)).toList(),
                            spec.model());
                } else {
                    prunebench.prune.LayerDensities.resolve(prunebench.prune.LayerDensities.of(axes.options()),
                            targets, names, spec.model());
                }
            } catch (ConfigException e) {
                throw new ConfigException("strategy '" + s.label() + "': " + e.getMessage());
            }
        }
    }

    /** The experiment's model on its data, built (seed 0) only to be checked. */
    private static Network checkedNetwork(ModelFactory model, ImageData data, NDManager manager) {
        return Network.create(model, new ai.djl.ndarray.types.Shape(data.channels(), data.height(), data.width()),
                data.numClasses(), manager, 0);
    }

    /**
     * The budget of a compression on this network as the runs count it ({@link RunExecutor#budget}): of all
     * trainable parameters, or with {@code compression_of: prunable} of the prunable tensors only.
     */
    private static DoubleFunction<CompressionBudget> budgets(ExperimentSpec spec, Network net,
            List<PruningTarget> targets) {
        long total = net.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
        long prunable = targets.stream().mapToLong(PruningTarget::size).sum();
        boolean ofPrunable = prunebench.config.PruningSpec.PRUNABLE.equals(spec.pruning().compressionOf());
        return c -> ofPrunable ? new CompressionBudget(prunable, prunable, c)
                : new CompressionBudget(total, prunable, c);
    }

    /** A structured strategy with single-weight masks meets every compression of the grid, or says why not. */
    private static void checkSingleWeightTargets(ExperimentSpec spec, ModelFactory model, ImageData data,
            prunebench.config.StrategySpec s, prunebench.prune.structured.StructuredStrategy structured,
            prunebench.prune.StrategyOptions options) {
        try (NDManager manager = cpuManager()) {
            Network net = checkedNetwork(model, data, manager);
            List<PruningTarget> targets = PruningTargets.of(net, spec.pruning().pruneClassifier(),
                    spec.pruning().pruneBiases());
            DoubleFunction<CompressionBudget> budget = budgets(spec, net, targets);
            for (double c : spec.pruning().compressions()) {
                if (c <= 1) {
                    continue; // the dense control
                }
                long keep = budget.apply(c).keep();
                structured.checkTarget(net, targets, options, c, keep);
            }
        } catch (ConfigException e) {
            throw new ConfigException("strategy '" + s.label() + "': " + e.getMessage());
        }
    }

    void checkReachable(ExperimentSpec spec, ModelFactory model, ImageData data, Device device) {
        try (NDManager manager = cpuManager()) {
            Network net = checkedNetwork(model, data, manager);
            try {
                TorchNames.of(model, net); // the names of the output files, checked before any training
            } catch (IllegalStateException e) {
                throw new ConfigException("model " + spec.model() + ": " + e.getMessage());
            }
            checkPenalties(spec, net);
            List<PruningTarget> targets = PruningTargets.of(net, spec.pruning().pruneClassifier(),
                    spec.pruning().pruneBiases());
            DoubleFunction<CompressionBudget> budget = budgets(spec, net, targets);
            for (double c : spec.pruning().compressions()) {
                try {
                    budget.apply(c).keep();
                } catch (ConfigException e) {
                    throw new ConfigException("pruning.compressions: " + e.getMessage());
                }
            }
        }
    }

    /** A penalty on BatchNorm scales needs a model that has some: said before anything is trained. */
    private void checkPenalties(ExperimentSpec spec, Network net) {
        if (!net.batchNormScales().isEmpty()) {
            return;
        }
        String none = "l1_bn acts on BatchNorm scales, but model " + spec.model() + " has no BatchNorm";
        for (var section : List.of(java.util.Map.entry("pretrain", spec.pretrain()),
                java.util.Map.entry("finetune", spec.finetune()))) {
            if (section.getValue().penalty() != null
                    && section.getValue().penalty().name().equals(prunebench.config.PenaltySpec.L1_BN)) {
                throw new ConfigException(section.getKey() + ".penalty: " + none);
            }
        }
        for (prunebench.config.StrategySpec s : spec.pruning().strategies()) {
            if (strategies.get(s.name()) instanceof prunebench.prune.PenalizedStrategy p
                    && p.penalty(new prunebench.prune.StrategyOptions(s.name(), p.parameterDefaults(), s.params()))
                            .name().equals(prunebench.config.PenaltySpec.L1_BN)) {
                throw new ConfigException("strategy '" + s.label() + "': " + none);
            }
        }
    }
}
