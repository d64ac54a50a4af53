package prunebench.prune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.model.TorchNames;
import prunebench.util.Names;

/**
 * {@code distribution: layer_densities}: a density for every prunable tensor, as a paper prescribes them (Han et al.
 * 2015's Tables 2 and 3, chosen there by sensitivity analysis: LeNet-300-100 keeps fc1 8%, fc2 9%, fc3 26%). Keys
 * are the tensor names of {@code layers.csv} ({@code fc1.weight}), or the layer's name alone for its weight
 * ({@code fc1}); with {@code prune_biases} a bias is named in full ({@code fc1.bias}). Every prunable tensor needs
 * one, so that a name left out is an error rather than a silent default.
 *
 * <p>The densities give the shape, not the amount: each tensor keeps min(1, eps x density) of its entries, one
 * common eps for all chosen so that the model-wide count meets the run's compression, tensors that would exceed 1
 * made dense and eps solved again for the rest ({@link Allocation#shaped}). At the compression the densities add up
 * to (Han's 12x), eps is 1 and the densities come back as given; at every imp level or other compression the same
 * shape is scaled.
 */
public final class LayerDensities {
    /** The option holding the map. */
    public static final String KEY = "layer_densities";
    /** The value of {@code distribution} that selects it. */
    public static final String NAME = "layer_densities";

    private LayerDensities() {}

    /** The validated map (empty when not given), in the order written. */
    public static Map<String, Double> of(StrategyOptions options) {
        return options.has(KEY) ? of(options.raw(KEY)) : Map.of();
    }

    /** The validated map from the option's value as read from the experiment. */
    public static Map<String, Double> of(Object raw) {
        if (!(raw instanceof Map<?, ?> map) || map.isEmpty()) {
            throw new ConfigException(KEY + " must be a map of prunable layer (as in layers.csv) to the fraction of "
                    + "its weights kept, e.g. {fc1: 0.08, fc2: 0.09, fc3: 0.26}, got " + raw);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (!(v instanceof Number n) || !(n.doubleValue() > 0 && n.doubleValue() <= 1)) {
                throw new ConfigException(KEY + "." + k + ": must be a density (fraction of weights kept) in (0, 1], "
                        + "got " + v);
            }
            out.put(String.valueOf(k), n.doubleValue());
        });
        return out;
    }

    /**
     * Each target's density, in the order of {@code targets}: every key names one prunable tensor, every prunable
     * tensor is named once.
     *
     * @param names the network's PyTorch names (those of {@code layers.csv})
     * @param model the model's name, for the messages
     */
    public static double[] resolve(Map<String, Double> given, List<PruningTarget> targets, TorchNames names,
            String model) {
        return perTarget(KEY, given, targets, names::of, model, true);
    }

    /**
     * A per-layer option's values in the order of {@code targets}, keyed as layers.csv names tensors ({@code
     * fc1.weight}, or {@code fc1} for a weight): unknown keys and a tensor named twice are errors; with {@code
     * everyLayer} a tensor not named is one too, otherwise its value is NaN (network surgery's {@code layer_c_rate}
     * falls back to {@code c_rate}).
     *
     * @param key       the option's name, for the messages
     * @param torchName a target's DJL name to its layers.csv name
     */
    public static double[] perTarget(String key, Map<String, Double> given, List<PruningTarget> targets,
            java.util.function.UnaryOperator<String> torchName, String model, boolean everyLayer) {
        List<Tensor> tensors = new ArrayList<>();
        for (PruningTarget t : targets) {
            tensors.add(new Tensor(torchName.apply(t.name()), t.isBias(), t.layer().classifier()));
        }
        return perTensor(key, given, tensors, model, everyLayer);
    }

    /** A prunable tensor as the per-layer options name it. */
    public record Tensor(String torchName, boolean bias, boolean classifier) {
        /** {@code target} under its layers.csv name. */
        public static Tensor of(PruningTarget target, TorchNames names) {
            return new Tensor(names.of(target.name()), target.isBias(), target.layer().classifier());
        }
    }

    /** {@link #perTarget} over tensors known by name alone (the network may be gone: a dry run's count). */
    public static double[] perTensor(String key, Map<String, Double> given, List<Tensor> tensors, String model,
            boolean everyLayer) {
        List<String> full = new ArrayList<>();
        List<Boolean> bias = new ArrayList<>();
        for (Tensor t : tensors) {
            full.add(t.torchName());
            bias.add(t.bias());
        }
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            accepted.add(full.get(i));
            if (!bias.get(i) && full.get(i).endsWith(".weight")) {
                accepted.add(shortName(full.get(i)));
            }
        }
        for (String name : given.keySet()) {
            if (!accepted.contains(name)) {
                throw new ConfigException(key + ": " + Names.unknown("prunable layer of " + model, name,
                        shortNames(bias, full)));
            }
        }
        double[] out = new double[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            String name = full.get(i);
            String alias = bias.get(i) ? null : shortName(name);
            boolean byName = given.containsKey(name);
            boolean byAlias = alias != null && !alias.equals(name) && given.containsKey(alias);
            if (byName && byAlias) {
                throw new ConfigException(key + ": '" + alias + "' and '" + name + "' name the same tensor; give "
                        + "one of them");
            }
            if (!byName && !byAlias && !everyLayer) {
                out[i] = Double.NaN;
                continue;
            }
            if (!byName && !byAlias) {
                throw new ConfigException(key + ": no density for prunable layer '" + (alias != null ? alias : name)
                        + "' of " + model + "; every prunable layer needs one (" + String.join(", ",
                        shortNames(bias, full)) + ")" + (tensors.get(i).classifier()
                        ? "; the classifier is prunable here (prune_classifier: true)" : ""));
            }
            out[i] = given.get(byName ? name : alias);
        }
        return out;
    }

    /** {@code fc1.weight} is {@code fc1}. */
    private static String shortName(String torchName) {
        return torchName.endsWith(".weight") ? torchName.substring(0, torchName.length() - ".weight".length())
                : torchName;
    }

    private static List<String> shortNames(List<Boolean> bias, List<String> full) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < full.size(); i++) {
            out.add(bias.get(i) ? full.get(i) : shortName(full.get(i)));
        }
        return out;
    }
}
