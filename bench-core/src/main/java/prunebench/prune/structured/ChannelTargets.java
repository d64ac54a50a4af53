package prunebench.prune.structured;

import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import prunebench.model.ChannelGroup;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;
import prunebench.model.TiedGroup;
import prunebench.prune.PruningTarget;

/**
 * The tensors the masks of a structured run are over ({@link ChannelPruner#targets()}): every tensor a removed
 * channel zeroes, each tied to the layer it belongs to, so that {@link ChannelMasks} can find them by name and the
 * run's counting treats them like the targets of weight pruning.
 */
final class ChannelTargets {
    private ChannelTargets() {}

    /**
     * The producers' weights, biases, gammas and betas and the consumers' weights of {@code groups} and, for the
     * tied groups, their members' and readers' as well, in the network's parameter order.
     */
    static List<PruningTarget> of(Network network, List<ChannelGroup> groups, List<TiedGroup> ties) {
        Map<String, PrunableLayer> layerOf = new HashMap<>();
        for (ChannelGroup g : groups) {
            putProducer(layerOf, g.producer(), g.bias(), g.norm());
            for (ChannelGroup.Consumer c : g.consumers()) {
                layerOf.put(c.layer().name(), c.layer());
            }
        }
        for (TiedGroup t : ties) {
            for (TiedGroup.Member m : t.members()) {
                putProducer(layerOf, m.layer(), m.bias(), m.norm());
            }
            for (TiedGroup.Reader r : t.readers()) {
                layerOf.put(r.layer().name(), r.layer());
            }
        }
        List<PruningTarget> out = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : network.allParameters().entrySet()) {
            PrunableLayer layer = layerOf.get(e.getKey());
            if (layer != null) {
                out.add(new PruningTarget(e.getKey(), e.getValue(), layer));
            }
        }
        return out;
    }

    /** A producer's weight, bias and BatchNorm scale / shift, each mapped to the producing layer. */
    private static void putProducer(Map<String, PrunableLayer> layerOf, PrunableLayer producer, String bias,
            ChannelGroup.Norm norm) {
        layerOf.put(producer.name(), producer);
        if (bias != null) {
            layerOf.put(bias, producer);
        }
        if (norm != null) {
            layerOf.put(norm.gamma(), producer);
            layerOf.put(norm.beta(), producer);
        }
    }
}
