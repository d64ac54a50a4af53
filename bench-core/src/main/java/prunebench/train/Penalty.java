package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import prunebench.config.PenaltySpec;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;

/**
 * A term added to the training loss, computed inside the gradient collector so that autograd differentiates it with
 * the cross-entropy (see {@link PenaltySpec} for the names). The value includes its weight. Every array it creates
 * is attached to the step's scope (an operation on a parameter would otherwise land on the network's manager).
 */
public interface Penalty {
    /** The weighted term for the current parameters, on {@code scope}, part of the step's graph. */
    NDArray value(NDManager scope);

    /** The penalty {@code spec} names, bound to {@code network}'s parameters. */
    static Penalty of(PenaltySpec spec, Network network) {
        double weight = spec.weight();
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

    private static NDArray weighted(NDManager scope, NDArray term, double weight) {
        return on(scope, term.mul((float) weight));
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
