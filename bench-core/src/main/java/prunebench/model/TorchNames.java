package prunebench.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The name each parameter of a network has in the equivalent PyTorch module's {@code state_dict()}
 * ({@code conv1.weight}, {@code layer1.0.bn1.running_mean}, {@code features.0.weight}), keyed by DJL's parameter
 * name ({@code 04stage1_01block0_01conv1_weight}). The module path of each layer comes from the model
 * ({@link ModelFactory#torchModule}); the parameter's own name follows {@code torch.nn}: a BatchNorm's gamma and
 * beta are {@code weight} and {@code bias}, its running statistics {@code running_mean} and {@code running_var}.
 * Every file a run writes names tensors this way; the DJL names stay internal (checkpoints).
 */
public final class TorchNames {
    private static final Map<String, String> PARAMETER = Map.of(
            "gamma", "weight", "beta", "bias", "runningMean", "running_mean", "runningVar", "running_var");

    private final Map<String, String> byDjlName;

    private TorchNames(Map<String, String> byDjlName) {
        this.byDjlName = Collections.unmodifiableMap(byDjlName);
    }

    /** The names of {@code network}'s parameters, as {@code factory} (the model it was built from) lays them out. */
    public static TorchNames of(ModelFactory factory, Network network) {
        Map<String, String> walked = new LinkedHashMap<>();
        walk(factory, network.block(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), "", walked,
                new int[1]);
        // A block that names its parameters its own way keeps DJL's name for them.
        Map<String, String> names = new LinkedHashMap<>();
        network.allParameters().keySet().forEach(n -> names.put(n, walked.getOrDefault(n, n)));
        Map<String, String> seen = new HashMap<>();
        names.forEach((djl, torch) -> {
            String other = seen.put(torch, djl);
            if (other != null) {
                throw new IllegalStateException(factory.name() + ": parameters " + other + " and " + djl
                        + " would both be named " + torch);
            }
        });
        return new TorchNames(names);
    }

    private static void walk(ModelFactory factory, Block block, List<String> keys, List<String> names,
            List<Integer> positions, String sequential, Map<String, String> out, int[] ordinal) {
        if (!block.getDirectParameters().isEmpty()) {
            LayerPath path = new LayerPath(names, positions, ordinal[0]++, sequential);
            String module = factory.torchModule(path);
            String prefix = keys.isEmpty() ? "" : String.join("_", keys) + "_";
            String modulePrefix = module.isEmpty() ? "" : module + ".";
            for (Pair<String, Parameter> p : block.getDirectParameters()) {
                out.put(prefix + p.getKey(), modulePrefix + PARAMETER.getOrDefault(p.getKey(), p.getKey()));
            }
        }
        for (Pair<String, Block> child : block.getChildren()) {
            String key = child.getKey();
            // DJL names a child "<two-digit position><name>" (addChildBlock).
            int position = Integer.parseInt(key.substring(0, 2));
            String name = key.substring(2);
            String step = name.equals(child.getValue().getClass().getSimpleName()) ? String.valueOf(position - 1)
                    : name;
            keys.add(key);
            names.add(name);
            positions.add(position);
            walk(factory, child.getValue(), keys, names, positions, sequential.isEmpty() ? step : sequential + "."
                    + step, out, ordinal);
            keys.remove(keys.size() - 1);
            names.remove(names.size() - 1);
            positions.remove(positions.size() - 1);
        }
    }

    /** The PyTorch name of DJL parameter {@code djlName}. */
    public String of(String djlName) {
        String name = byDjlName.get(djlName);
        if (name == null) {
            throw new IllegalArgumentException("no parameter " + djlName);
        }
        return name;
    }

    /** DJL name to PyTorch name, in block order. */
    public Map<String, String> asMap() {
        return byDjlName;
    }
}
