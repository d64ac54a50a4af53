package prunebench.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import prunebench.config.ExperimentSpec;
import prunebench.model.ModelFactory;
import prunebench.model.Network;
import prunebench.model.TorchNames;
import prunebench.prune.LayerDensities;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;

/**
 * How many parameters a run's network has and how many of them its pruning may remove: what the number of levels of
 * an iterative run depends on.
 *
 * @param prunable the prunable weights (as {@code prune_classifier} and {@code prune_biases} say)
 * @param total    every trainable parameter
 * @param tensors  the prunable tensors, named as layers.csv names them, with their sizes (imp's {@code layer_rates}
 *                 counts its levels per tensor); empty where only the two totals are known
 */
public record NetworkSize(long prunable, long total, List<Tensor> tensors) {
    /** One prunable tensor and its number of entries. */
    public record Tensor(LayerDensities.Tensor name, long size) {}

    public NetworkSize {
        tensors = List.copyOf(tensors);
    }

    /** The two totals alone. */
    public NetworkSize(long prunable, long total) {
        this(prunable, total, List.of());
    }

    static NetworkSize of(Network network, ModelFactory model, boolean pruneClassifier, boolean pruneBiases) {
        long total = network.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
        List<PruningTarget> targets = PruningTargets.of(network, pruneClassifier, pruneBiases);
        long prunable = targets.stream().mapToLong(PruningTarget::size).sum();
        TorchNames names = TorchNames.of(model, network);
        List<Tensor> tensors = new ArrayList<>();
        for (PruningTarget t : targets) {
            tensors.add(new Tensor(LayerDensities.Tensor.of(t, names), t.size()));
        }
        return new NetworkSize(prunable, total, tensors);
    }

    /** Builds the experiment's network once on the CPU to count (this starts the native engine). */
    public static NetworkSize of(ExperimentSpec spec, ModelFactory model, Shape inputShape, int classes) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            prunebench.util.TorchLogLevel.apply(); // the engine has started: keep libtorch's warnings quiet
            Network network = Network.create(model, inputShape, classes, manager, 0);
            return of(network, model, spec.pruning().pruneClassifier(), spec.pruning().pruneBiases());
        }
    }
}
