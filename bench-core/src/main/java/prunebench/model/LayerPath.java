package prunebench.model;

import java.util.List;

/**
 * Where a layer with parameters (Conv, Linear, BatchNorm, or a model's own block) sits in a network, for
 * {@link ModelFactory#torchModule}: the child names from the root with DJL's two-digit position prefix removed
 * (e.g. {@code [stage1, block0, conv1]}), their 1-based positions among their siblings, and the layer's index among
 * the network's layers with parameters (in block order).
 *
 * @param sequentialPath the name {@code nn.Sequential} would give: a child DJL named after its class
 *                       ({@code SequentialBlock.add}) by its 0-based position, any other child by its name,
 *                       joined with dots, e.g. {@code 3} or {@code features.0}
 */
public record LayerPath(List<String> names, List<Integer> positions, int ordinal, String sequentialPath) {
    public LayerPath {
        names = List.copyOf(names);
        positions = List.copyOf(positions);
    }

    /** The last name, e.g. {@code conv1}. */
    public String name() {
        return names.get(names.size() - 1);
    }
}
