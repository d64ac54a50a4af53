package prunebench.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.model.ChannelGroup;
import prunebench.model.Network;
import prunebench.prune.MaskSet;
import prunebench.prune.Pruner;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.structured.ChannelPruner;
import prunebench.prune.structured.StructuredStrategy;

/**
 * What a run's masks cover and how a {@link Stage.Prune} fills them, bound to one network: single weights (the
 * prunable layers' weight tensors) or whole channels (every tensor a channel touches). The planner picks one per
 * run ({@link GridPlanner.Granularity}); the run only calls these methods.
 */
interface Masking {
    List<PruningTarget> targets();

    /** Prunes {@code masks} in place as {@code stage} says and applies them to the weights. */
    default void prune(Stage.Prune stage, MaskSet masks, BatchLoader data, long seed) {
        prune(stage, masks, data, null, seed);
    }

    /**
     * The same, a structured strategy's contexts carrying the held-out {@code validation} split (null: none), which
     * amc's search is rewarded on.
     */
    void prune(Stage.Prune stage, MaskSet masks, BatchLoader data, BatchLoader validation, long seed);

    /** The network whose inference speed is measured: a smaller rebuilt one, or {@code network} itself. */
    Network rebuilt(Network network, MaskSet masks, NDManager manager);

    /** Single weights, scored by a {@link PruningStrategy} and selected by {@link Pruner}. */
    static Masking weights(Network network, RunSpec spec, prunebench.model.TorchNames names) {
        List<PruningTarget> targets = PruningTargets.of(network, spec.pruneClassifier(), spec.pruneBiases());
        // layer_densities name tensors as layers.csv does: resolved once, here where the names are known
        double[] densities = spec.distribution() != prunebench.prune.Distribution.LAYER_DENSITIES ? null
                : prunebench.prune.LayerDensities.resolve(prunebench.prune.LayerDensities.of(
                        spec.strategy().params().get(prunebench.prune.LayerDensities.KEY)), targets, names,
                        network.modelName());
        long total = network.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
        long prunable = targets.stream().mapToLong(PruningTarget::size).sum();
        double[] rates = layerRates(spec, targets, names, network.modelName());
        return new Masking() {
            @Override
            public List<PruningTarget> targets() {
                return targets;
            }

            @Override
            public void prune(Stage.Prune p, MaskSet masks, BatchLoader data, BatchLoader validation, long seed) {
                long keep;
                double[] shape = densities;
                prunebench.prune.Distribution distribution = p.distribution();
                if (p.amount() instanceof Stage.Amount.Rate && rates != null) {
                    // each tensor removes its own rate of what it keeps: exact counts, handed over as densities
                    // that add up to the budget (Allocation.shaped gives them back as they are)
                    long[] kept = new long[targets.size()];
                    for (int i = 0; i < kept.length; i++) {
                        kept[i] = masks.kept(targets.get(i).name());
                    }
                    long[] after = prunebench.prune.LayerRates.keepAfterLevel(kept, rates);
                    shape = new double[after.length];
                    for (int i = 0; i < after.length; i++) {
                        shape[i] = (double) after[i] / targets.get(i).size();
                    }
                    keep = java.util.Arrays.stream(after).sum();
                    distribution = prunebench.prune.Distribution.LAYER_DENSITIES;
                } else if (p.amount() instanceof Stage.Amount.Rate r) {
                    long kept = masks.keptTotal();
                    keep = kept - (long) Math.ceil(r.rate() * kept);
                } else {
                    keep = RunExecutor.budget(spec, total, prunable,
                            ((Stage.Amount.Compression) p.amount()).compression()).keep();
                }
                new Pruner(network, targets, data, p.batchSize(), seed, shape).prune(
                        p.invert() ? inverted(p.strategy()) : p.strategy(), p.options(), masks, keep,
                        distribution, p.iterations(), p.denseFirst());
            }

            @Override
            public Network rebuilt(Network n, MaskSet masks, NDManager manager) {
                return n;
            }
        };
    }

    /** imp's {@code layer_rates} resolved to every target (null when none are given, or not imp). */
    private static double[] layerRates(RunSpec spec, List<PruningTarget> targets, prunebench.model.TorchNames names,
            String model) {
        Object given = spec.strategy().params().get(prunebench.prune.LayerRates.KEY);
        if (!(given instanceof Map<?, ?> m) || m.isEmpty()) {
            return null;
        }
        prunebench.prune.StrategyOptions o = new prunebench.prune.StrategyOptions(spec.strategy().name(),
                new prunebench.prune.Imp().parameterDefaults(), spec.strategy().params());
        List<prunebench.prune.LayerDensities.Tensor> tensors = targets.stream()
                .map(t -> prunebench.prune.LayerDensities.Tensor.of(t, names)).toList();
        return prunebench.prune.LayerRates.resolve(prunebench.prune.LayerRates.of(o), o.getDouble("rate"), tensors,
                model);
    }

    /** Whole channels, scored by a {@link StructuredStrategy} and selected by {@link ChannelPruner}. */
    static Masking channels(Network network) {
        return channels(network, false);
    }

    /**
     * The same, with whole residual-stream channels ({@link prunebench.model.TiedGroup}) among what may go where
     * {@code ties}: the masks then also cover their members and readers.
     */
    static Masking channels(Network network, boolean ties) {
        ChannelPruner channels = new ChannelPruner(network, ties);
        return new Masking() {
            @Override
            public List<PruningTarget> targets() {
                return channels.targets();
            }

            @Override
            public void prune(Stage.Prune p, MaskSet masks, BatchLoader data, BatchLoader validation, long seed) {
                if (!(p.amount() instanceof Stage.Amount.Compression c)) {
                    throw new ConfigException("structured pruning prunes to a compression, not by a rate");
                }
                StructuredStrategy s = (StructuredStrategy) p.strategy();
                channels.prune(p.invert() ? inverted(s) : s, p.options(), masks, c.compression(), p.distribution(),
                        p.iterations(), p.denseFirst(), data, validation, p.batchSize(), seed);
            }

            @Override
            public Network rebuilt(Network n, MaskSet masks, NDManager manager) {
                return channels.rebuild(masks, manager);
            }
        };
    }

    /** {@code control: invert}: the same scores negated, so that the lowest are kept. */
    private static PruningStrategy inverted(PruningStrategy s) {
        return new PruningStrategy() {
            @Override
            public String name() {
                return s.name();
            }

            @Override
            public String description() {
                return s.description() + ", inverted";
            }

            @Override
            public Map<String, NDArray> score(PruningContext context) {
                Map<String, NDArray> out = new LinkedHashMap<>();
                s.score(context).forEach((n, a) -> out.put(n, a.neg()));
                return out;
            }
        };
    }

    private static StructuredStrategy inverted(StructuredStrategy s) {
        return new StructuredStrategy() {
            @Override
            public String name() {
                return s.name();
            }

            @Override
            public String description() {
                return s.description() + ", inverted";
            }

            @Override
            public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
                Map<String, float[]> out = new LinkedHashMap<>();
                s.channelScores(context, groups).forEach((n, a) -> {
                    float[] neg = new float[a.length];
                    for (int i = 0; i < a.length; i++) {
                        neg[i] = -a[i];
                    }
                    out.put(n, neg);
                });
                return out;
            }

            @Override
            public boolean removesTiedGroups(prunebench.prune.StrategyOptions options) {
                return s.removesTiedGroups(options);
            }

            @Override
            public float[] tiedGroupScores(PruningContext context, List<prunebench.model.TiedGroup> ties) {
                float[] a = s.tiedGroupScores(context, ties);
                float[] neg = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    neg[i] = -a[i];
                }
                return neg;
            }

            @Override
            public void afterSelection(PruningContext context, List<ChannelGroup> groups, MaskSet masks) {
                s.afterSelection(context, groups, masks); // the control keeps the strategy's reconstruction
            }
        };
    }
}
