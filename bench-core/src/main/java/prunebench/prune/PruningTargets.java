package prunebench.prune;

import java.util.ArrayList;
import java.util.List;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;

/** Which tensors a run may prune: every Conv/Linear weight; the classifier and biases only if asked. */
public final class PruningTargets {
    private PruningTargets() {}

    public static List<PruningTarget> of(Network network, boolean pruneClassifier, boolean pruneBiases) {
        List<PruningTarget> out = new ArrayList<>();
        for (PrunableLayer layer : network.layers()) {
            if (layer.classifier() && !pruneClassifier) {
                continue;
            }
            out.add(new PruningTarget(layer.name(), layer.weight(), layer));
            if (pruneBiases && layer.bias() != null) {
                String biasName = network.allParameters().entrySet().stream()
                        .filter(e -> e.getValue() == layer.bias()).map(java.util.Map.Entry::getKey).findFirst()
                        .orElseThrow();
                out.add(new PruningTarget(biasName, layer.bias(), layer));
            }
        }
        return out;
    }
}
