package prunebench.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import prunebench.util.Names;

/**
 * A map of the experiment tree whose keys have been checked against the schema. An explicit {@code null} reads
 * like an absent key, so that {@code --set x=null} restores a default.
 */
final class Section {
    private final Field field;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    /** Duplicate keys were rejected when the tree was parsed; here keys are checked against {@code validKeys}. */
    Section(Field field, Collection<String> validKeys) {
        this.field = field;
        Origins origins = field.origins();
        for (NodeTuple t : ((MappingNode) field.node()).getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw origins.error(t.getKeyNode(), "keys must be plain names" + in());
            }
            String name = k.getValue();
            if (name.equals("<<")) {
                throw origins.error(k, "merge keys (<<) are not supported" + in() + "; write the keys out");
            }
            if (validKeys != null && !validKeys.contains(name)) {
                throw origins.error(k, unknownKey(name, validKeys));
            }
            entries.put(name, t);
        }
    }

    private String unknownKey(String name, Collection<String> validKeys) {
        String closest = Names.closest(name, validKeys);
        String message = "unknown key '" + name + "'" + in();
        if (closest != null) {
            return message + " (did you mean '" + closest + "'?)";
        }
        return message + "; valid keys: " + new TreeSet<>(validKeys).stream().collect(Collectors.joining(", "));
    }

    private String in() {
        return field.path().isEmpty() ? "" : " in " + field.path();
    }

    String path() {
        return field.path();
    }

    Set<String> keys() {
        return entries.keySet();
    }

    /** The value at {@code key}, null or not; the key must be present. */
    Field entry(String key) {
        NodeTuple t = entries.get(key);
        String path = field.path().isEmpty() ? key : field.path() + "." + key;
        return new Field(t.getKeyNode(), t.getValueNode(), path, field.origins());
    }

    /** The value at {@code key}, empty when the key is absent or null. */
    Optional<Field> get(String key) {
        return entries.containsKey(key) ? Optional.of(entry(key)).filter(f -> !f.isNull()) : Optional.empty();
    }

    Field required(String key) {
        if (!entries.containsKey(key)) {
            throw field.origins().error(anchor(), "missing required key '" + key + "'" + in());
        }
        return entry(key);
    }

    /** Where a missing key is reported: the override that wrote this map, else the line of its own key. */
    private Node anchor() {
        Node map = field.node();
        return field.origins().isOverride(map) || field.key() == null ? map : field.key();
    }
}
