package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import prunebench.data.BatchLoader;
import prunebench.model.Network;

/**
 * What a training step differentiates: the network's forward pass, through the reparameterisation when one is set,
 * and the loss terms added to the cross-entropy (the penalties and the reparameterisation's own term). One place for
 * both, so the training loop, its evaluation and {@code scripts/bench}'s bare step see the same weights and loss.
 */
final class Objective {
    private final Network network;
    private final List<Penalty> penalties = new ArrayList<>();
    private Reparameterization reparameterization;
    private Map<Parameter, String> reparameterized = Map.of();

    Objective(Network network) {
        this.network = network;
    }

    void addPenalty(Penalty penalty) {
        penalties.add(penalty);
    }

    /** Makes the forward pass see {@code r}'s weights and the loss get its term. */
    void reparameterize(Reparameterization r) {
        reparameterization = r;
        reparameterized = new IdentityHashMap<>();
        for (String name : r.weights()) {
            reparameterized.put(network.allParameters().get(name), name);
        }
    }

    /** The parameter store of a forward pass: the network's own weights, or their reparameterisation at a step. */
    ParameterStore store(NDManager scope, long step) {
        if (reparameterization == null) {
            return new ParameterStore(scope, false);
        }
        return new ReparameterizedStore(reparameterization, reparameterized, scope, step);
    }

    /** The training-mode logits of {@code images} at step {@code globalStep}. */
    NDArray forward(NDManager scope, NDArray images, long globalStep) {
        return network.block().forward(store(scope, globalStep), new NDList(images), true).singletonOrThrow();
    }

    /** {@code loss} plus the penalties and the reparameterisation's term at step {@code globalStep}. */
    NDArray total(NDArray loss, NDManager scope, long globalStep, long totalSteps) {
        NDArray total = loss;
        for (Penalty p : penalties) {
            total = total.add(p.value(scope, globalStep, totalSteps));
        }
        if (reparameterization != null) {
            total = total.add(reparameterization.loss(scope, globalStep, totalSteps));
        }
        return total;
    }

    /** Lets the reparameterisation, if any, update itself after the optimizer and the masks have. */
    void afterStep(long globalStep, long totalSteps) {
        if (reparameterization != null) {
            reparameterization.afterStep(globalStep, totalSteps);
        }
    }

    /** Test accuracy; a reparameterised network is evaluated with its deterministic weights (step -1). */
    Accuracy evaluate(BatchLoader test, NDManager manager) {
        return reparameterization == null ? Evaluator.evaluate(network, test, manager)
                : Evaluator.evaluate(network, test, manager, Evaluator.BATCH, scope -> store(scope, -1));
    }
}
