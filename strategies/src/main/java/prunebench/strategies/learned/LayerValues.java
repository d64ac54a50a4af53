package prunebench.strategies.learned;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.DoublePredicate;
import prunebench.config.ConfigException;
import prunebench.model.ModelRegistry;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;
import prunebench.model.TorchNames;
import prunebench.prune.StrategyOptions;

/**
 * A strategy parameter with one value per Conv/Linear layer, as the L0 reference's {@code lambas} (one lambda per
 * {@code L0Dense} / {@code L0Conv2d} of {@code L0MLP} and {@code L0LeNet5}): a list, one number per layer of the
 * network in forward order (the classifier last), or a map from layer name to number, the layers it leaves out
 * taking the strategy's single value. A layer is named as in the model's PyTorch module ({@code fc1}, {@code conv2},
 * {@code ip1}: what the run's output files call it) or by its DJL name ({@code 02Linear}, {@code 02Linear_weight}).
 * An empty list (the default) gives every layer the single value.
 */
final class LayerValues {
    private LayerValues() {
    }

    /** Checks at load time that {@code key} is a list or map of numbers that pass {@code ok} ({@code what} says). */
    static void validate(StrategyOptions o, String key, DoublePredicate ok, String what) {
        Object raw = o.raw(key);
        List<Object> values = new ArrayList<>();
        if (raw instanceof List<?> l) {
            values.addAll(l);
        } else if (raw instanceof Map<?, ?> m) {
            values.addAll(m.values());
        } else {
            throw new ConfigException(key + " must be a list (one number per Conv/Linear layer, in forward order) "
                    + "or a map from layer name to number, got " + raw);
        }
        for (Object v : values) {
            if (!(v instanceof Number n) || !ok.test(n.doubleValue())) {
                throw new ConfigException(key + " must hold numbers " + what + ", got " + v + " in " + raw);
            }
        }
    }

    /**
     * The value of every layer of {@code network} by its weight's name: {@code key}'s entry where it names the
     * layer, else {@code fallback}.
     */
    static Map<String, Double> of(Network network, StrategyOptions o, String key, double fallback) {
        List<PrunableLayer> layers = network.layers();
        Map<String, Double> out = new LinkedHashMap<>();
        layers.forEach(l -> out.put(l.name(), fallback));
        Object raw = o.raw(key);
        if (raw instanceof List<?> list && !list.isEmpty()) {
            if (list.size() != layers.size()) {
                throw new ConfigException(key + " has " + list.size() + " values but " + network.modelName()
                        + " has " + layers.size() + " Conv/Linear layers (" + String.join(", ", names(network))
                        + "): give one per layer, in forward order, or a map by layer name");
            }
            for (int i = 0; i < layers.size(); i++) {
                out.put(layers.get(i).name(), ((Number) list.get(i)).doubleValue());
            }
        } else if (raw instanceof Map<?, ?> map) {
            Map<String, String> byAlias = aliases(network);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String layer = byAlias.get(String.valueOf(e.getKey()));
                if (layer == null) {
                    throw new ConfigException(key + ": no Conv/Linear layer '" + e.getKey() + "' in "
                            + network.modelName() + "; its layers are " + String.join(", ", names(network)));
                }
                out.put(layer, ((Number) e.getValue()).doubleValue());
            }
        }
        return out;
    }

    /** The layers' readable names: the PyTorch module where the model is registered, else DJL's. */
    private static List<String> names(Network network) {
        Map<String, String> torch = torchModules(network);
        List<String> out = new ArrayList<>();
        network.layers().forEach(l -> out.add(torch.getOrDefault(l.name(), stripWeight(l.name()))));
        return out;
    }

    /** Every name a layer answers to, to its weight's name. */
    private static Map<String, String> aliases(Network network) {
        Map<String, String> out = new LinkedHashMap<>();
        torchModules(network).forEach((djl, module) -> out.put(module, djl));
        for (PrunableLayer l : network.layers()) {
            out.put(l.name(), l.name());
            out.put(stripWeight(l.name()), l.name());
        }
        return out;
    }

    /** Weight name to PyTorch module ({@code fc1}), empty where the model is not registered (a test's network). */
    private static Map<String, String> torchModules(Network network) {
        ModelRegistry registry = new ModelRegistry();
        Map<String, String> out = new LinkedHashMap<>();
        if (!new TreeSet<>(registry.names()).contains(network.modelName())) {
            return out;
        }
        TorchNames torch = TorchNames.of(registry.get(network.modelName()), network);
        for (PrunableLayer l : network.layers()) {
            String t = torch.of(l.name());
            if (t.endsWith(".weight")) {
                out.put(l.name(), t.substring(0, t.length() - ".weight".length()));
            }
        }
        return out;
    }

    private static String stripWeight(String name) {
        return name.endsWith("_weight") ? name.substring(0, name.length() - "_weight".length()) : name;
    }
}
