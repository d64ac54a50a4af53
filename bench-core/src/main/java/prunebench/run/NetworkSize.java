package prunebench.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import prunebench.config.ExperimentSpec;
import prunebench.model.Network;
import prunebench.model.ModelFactory;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;

/**
 * How many parameters a run's network has and how many of them its pruning may remove: what the number of levels of
 * an iterative run depends on.
 *
 * @param prunable the prunable weights (as {@code prune_classifier} and {@code prune_biases} say)
 * @param total    every trainable parameter
 */
public record NetworkSize(long prunable, long total) {
    static NetworkSize of(Network network, boolean pruneClassifier, boolean pruneBiases) {
        long total = network.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
        long prunable = PruningTargets.of(network, pruneClassifier, pruneBiases).stream()
                .mapToLong(PruningTarget::size).sum();
        return new NetworkSize(prunable, total);
    }

    /** Builds the experiment's network once on the CPU to count (this starts the native engine). */
    public static NetworkSize of(ExperimentSpec spec, ModelFactory model, Shape inputShape, int classes) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            prunebench.util.TorchLogLevel.apply(); // the engine has started: keep libtorch's warnings quiet
            Network network = Network.create(model, inputShape, classes, manager, 0);
            return of(network, spec.pruning().pruneClassifier(), spec.pruning().pruneBiases());
        }
    }
}
