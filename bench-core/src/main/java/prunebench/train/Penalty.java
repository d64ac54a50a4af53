package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import prunebench.config.PenaltySpec;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;
import prunebench.prune.PruningTarget;

/**
 * A term added to the training loss, computed inside the gradient collector so that autograd differentiates it with
 * the cross-entropy (see {@link PenaltySpec} for the names). The value includes its weight. Every array it creates
 * is attached to the step's scope (an operation on a parameter would otherwise land on the network's manager).
 */
public interface Penalty extends AutoCloseable {
    /** The weighted term for the current parameters, on {@code scope}, part of the step's graph. */
    NDArray value(NDManager scope);

    /**
     * The term at optimizer step {@code step} (0-based) of the {@code totalSteps} of the stage's schedule: what a
     * penalty that follows the training's progress (a growing coefficient, an alternation) overrides.
     */
    default NDArray value(NDManager scope, long step, long totalSteps) {
        return value(scope);
    }

    /**
     * Called once after the stage's last step, before the prune, on {@code scope} (closed by the caller): what the
     * method leaves in the weights at its end (learning-compression's final C step sets w = Theta); nothing, for most.
     */
    default void finish(NDManager scope) {}

    /** Frees what the penalty keeps between steps (nothing, for most). */
    @Override
    default void close() {}

    /** The penalty {@code spec} names, bound to {@code network}'s parameters (one of a schedule's YAML). */
    static Penalty of(PenaltySpec spec, Network network) {
        return of(spec, network, List.of());
    }

    /**
     * The penalty {@code spec} names, bound to {@code network}'s parameters; {@code l_half}, {@code swd}, {@code
     * lc} and {@code joint_sparsity} act on the prune's {@code targets}.
     */
    static Penalty of(PenaltySpec spec, Network network, List<PruningTarget> targets) {
        double weight = spec.weight();
        if (spec.name().equals(PenaltySpec.L_HALF) || spec.needsKeep()) {
            List<NDArray> arrays = new ArrayList<>();
            targets.forEach(t -> arrays.add(t.array()));
            if (arrays.isEmpty()) {
                throw new IllegalArgumentException("penalty " + spec.name() + " acts on the prune's targets; none");
            }
            if (spec.needsKeep() && spec.keep() == null) {
                throw new IllegalArgumentException("penalty " + spec.name() + " needs the run's weight budget");
            }
            return switch (spec.name()) {
                case PenaltySpec.L_HALF -> new ModifiedHalfNorm(arrays, weight, spec.setting("a"));
                case PenaltySpec.SWD -> new SelectiveWeightDecay(arrays, weight, spec.setting("a_min"),
                        spec.setting("a_max"), spec.keep());
                case PenaltySpec.JOINT_SPARSITY -> new JointSparsity(arrays, weight, spec.setting("coefficient_init"),
                        spec.setting("omega_lr"), spec.keep());
                default -> new LearningCompression(arrays, weight, spec.setting("growth"),
                        (int) spec.setting("mu_steps"), spec.keep());
            };
        }
        if (spec.name().equals(PenaltySpec.AUTO_BALANCED)) {
            return autoBalanced(spec, network);
        }
        if (spec.name().equals(PenaltySpec.VACL)) {
            return vacl(spec, network);
        }
        if (spec.name().equals(PenaltySpec.L1_BN)) {
            List<NDArray> gammas = new ArrayList<>();
            for (String name : network.batchNormScales()) {
                gammas.add(network.allParameters().get(name).getArray());
            }
            if (gammas.isEmpty()) {
                throw new IllegalArgumentException("penalty l1_bn acts on BatchNorm scales, but "
                        + network.modelName() + " has no BatchNorm");
            }
            return scope -> weighted(scope, sum(scope, gammas, (s, g) -> on(s, on(s, g.abs()).sum())), weight);
        }
        List<NDArray> weights = new ArrayList<>();
        for (PrunableLayer layer : network.layers()) {
            if (!layer.classifier()) {
                weights.add(layer.weight().getArray());
            }
        }
        boolean filters = !spec.groups().equals("channels");
        boolean channels = !spec.groups().equals("filters");
        return scope -> weighted(scope, sum(scope, weights, (s, w) -> {
            NDArray term = s.zeros(new Shape());
            if (filters) {
                term = on(s, term.add(groupNorms(s, on(s, w.reshape(w.getShape().get(0), -1)))));
            }
            if (channels) {
                NDArray byInput = w.getShape().dimension() == 2 ? on(s, w.transpose())
                        : on(s, on(s, w.swapAxes(0, 1)).reshape(w.getShape().get(1), -1));
                term = on(s, term.add(groupNorms(s, on(s, byInput))));
            }
            return term;
        }), weight);
    }

    /**
     * {@code auto_balanced} on the filters of every channel group structured pruning can remove (those the prune
     * chooses from): with {@code ratio}, round(ratio x n) of a layer's n filters are weak; with {@code compression},
     * as many as the one-shot layerwise prune to it removes.
     */
    private static Penalty autoBalanced(PenaltySpec spec, Network network) {
        List<prunebench.model.ChannelGroup> groups = prunebench.model.ChannelStructure.of(network);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("penalty auto_balanced acts on filters, but " + network.modelName()
                    + " has no channels structured pruning can remove");
        }
        int[] weak = new int[groups.size()];
        int[] kept = spec.settings().containsKey("compression")
                ? new prunebench.prune.structured.ChannelPruner(network).layerwiseKept(spec.setting("compression"))
                : null;
        List<NDArray> filters = new ArrayList<>();
        for (int g = 0; g < weak.length; g++) {
            int n = groups.get(g).channels();
            weak[g] = kept != null ? n - kept[g] : Math.min(n - 1, (int) Math.round(spec.setting("ratio") * n));
            filters.add(groups.get(g).producer().weight().getArray());
        }
        return new AutoBalancedRegularization(filters, weak, spec.weight());
    }

    /**
     * {@code vacl} over the filters of every non-classifier layer: those a residual addition ties together
     * ({@link prunebench.model.ChannelStructure#residualTies}) in one group, each other filter in a group of its own.
     */
    private static Penalty vacl(PenaltySpec spec, Network network) {
        List<NDArray> weights = new ArrayList<>();
        java.util.Map<String, Integer> offsets = new java.util.HashMap<>();
        int filters = 0;
        for (PrunableLayer layer : network.layers()) {
            if (!layer.classifier()) {
                offsets.put(layer.name(), filters);
                weights.add(layer.weight().getArray());
                filters += Math.toIntExact(layer.weightShape().get(0));
            }
        }
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("penalty vacl acts on filters, but " + network.modelName()
                    + " has no layer but the classifier");
        }
        List<int[]> groups = new ArrayList<>();
        boolean[] tied = new boolean[filters];
        for (List<prunebench.model.ChannelStructure.Filter> tie
                : prunebench.model.ChannelStructure.residualTies(network)) {
            int[] group = new int[tie.size()];
            for (int i = 0; i < group.length; i++) {
                group[i] = offsets.get(tie.get(i).layer().name()) + tie.get(i).channel();
                tied[group[i]] = true;
            }
            groups.add(group);
        }
        for (int f = 0; f < filters; f++) {
            if (!tied[f]) {
                groups.add(new int[] {f});
            }
        }
        return new VarianceAwareCrossLayer(weights, groups, spec.weight(), spec.setting("variance_weight"));
    }

    /**
     * The sum over the rows of {@code groups} of their L2 norms, sqrt(sum of squares + 1e-12) so that a group at zero
     * has a finite gradient (0 instead of 0/0).
     */
    static NDArray groupNorms(NDManager scope, NDArray groups) {
        NDArray squares = on(scope, on(scope, groups.square()).sum(new int[] {1}));
        return on(scope, on(scope, on(scope, squares.add(1e-12f)).sqrt()).sum());
    }

    /** {@code a}, moved to {@code scope} (closed with the step). */
    static NDArray on(NDManager scope, NDArray a) {
        a.attach(scope);
        return a;
    }

    /**
     * The |w| of the {@code keep}-th largest entry of {@code arrays} taken together (one global ranking): entries
     * at or above it are the kept ones. +infinity when nothing is kept, -infinity when everything is. Computed on
     * detached copies, outside the step's graph.
     */
    static float keptThreshold(NDManager scope, List<NDArray> arrays, long keep) {
        ai.djl.ndarray.NDList flat = new ai.djl.ndarray.NDList();
        long n = 0;
        for (NDArray a : arrays) {
            flat.add(on(scope, on(scope, on(scope, a.stopGradient()).abs()).flatten()));
            n += a.size();
        }
        if (keep <= 0) {
            return Float.POSITIVE_INFINITY;
        }
        if (keep >= n) {
            return Float.NEGATIVE_INFINITY;
        }
        NDArray sorted = on(scope, on(scope, ai.djl.ndarray.NDArrays.concat(flat)).sort());
        return on(scope, on(scope, sorted.get(n - keep)).toType(DataType.FLOAT32, false))
                .getFloat();
    }

    /**
     * The sum of w^2 over the entries that a global |w| ranking would prune (all but the {@code keep} largest): the
     * term that selective weight decay and joint sparsity put on the weights to be removed. The selection is a
     * constant of the step, so only the penalised entries' values carry a gradient.
     */
    static NDArray prunedSquares(NDManager scope, List<NDArray> weights, long keep) {
        float threshold = keptThreshold(scope, weights, keep);
        NDArray total = scope.zeros(new Shape());
        for (NDArray w : weights) {
            NDArray pruned = on(scope, on(scope, on(scope, on(scope, w.stopGradient()).abs()).lt(threshold))
                    .toType(w.getDataType() == DataType.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32, false));
            total = on(scope, total.add(on(scope, on(scope, on(scope, w.mul(pruned)).square()).sum())));
        }
        return total;
    }

    private static NDArray weighted(NDManager scope, NDArray term, double weight) {
        return on(scope, GraphScalars.times(scope, term, weight));
    }

    private static NDArray sum(NDManager scope, List<NDArray> tensors,
            BiFunction<NDManager, NDArray, NDArray> term) {
        NDArray total = scope.zeros(new Shape());
        for (NDArray t : tensors) {
            total = on(scope, total.add(term.apply(scope, t)));
        }
        return total;
    }
}
