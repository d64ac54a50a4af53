package prunebench.config;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@code --set path=value} edits, applied to the node tree before it is typed, so that an override is validated
 * exactly like the file (an unknown key in the path is an unknown key of the schema). The value is a YAML flow
 * value ({@code 1}, {@code [0,1]}, {@code {name: adam}}, {@code null}). Maps along the path are copied before
 * they are changed, so a map shared through a YAML alias changes only where the path says.
 */
final class Overrides {
    private Overrides() {}

    /** The tree with {@code expression} applied; nodes it wrote are marked as coming from it. */
    static Node apply(Node root, String expression, Origins origins) {
        int eq = expression.indexOf('=');
        String path = eq < 0 ? "" : expression.substring(0, eq).trim();
        String[] keys = path.split("\\.", -1);
        if (path.isEmpty() || List.of(keys).stream().anyMatch(k -> k.isBlank())) {
            throw new ConfigException("--set " + expression
                    + ": expected path=value with a dotted key path, e.g. --set pretrain.epochs=1");
        }
        Node value = YamlParser.compose(expression.substring(eq + 1), "--set " + expression, false);
        if (value == null) {
            value = new ScalarNode(Tag.NULL, "null", null, null, DumperOptions.ScalarStyle.PLAIN);
        }
        origins.markOverride(value, expression);
        YamlParser.checkDuplicateKeys(value, path, origins);
        return set(root, keys, 0, value, expression, origins);
    }

    private static MappingNode set(Node node, String[] keys, int depth, Node value, String expression,
            Origins origins) {
        MappingNode map;
        if (node == null || node instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            map = new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
            origins.markOverride(map, expression);
        } else if (node instanceof MappingNode m) {
            map = new MappingNode(m.getTag(), true, new ArrayList<>(m.getValue()), m.getStartMark(),
                    m.getEndMark(), m.getFlowStyle());
            origins.copyOrigin(m, map);
        } else {
            String parent = String.join(".", List.of(keys).subList(0, depth));
            throw new ConfigException("--set " + expression + ": " + parent + " is "
                    + (node instanceof SequenceNode ? "a list" : "a single value")
                    + ", not a map with key '" + keys[depth] + "'; set " + parent + " as a whole instead");
        }
        String key = keys[depth];
        List<NodeTuple> tuples = map.getValue();
        for (int i = 0; i < tuples.size(); i++) {
            NodeTuple t = tuples.get(i);
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                Node child = depth + 1 == keys.length
                        ? value : set(t.getValueNode(), keys, depth + 1, value, expression, origins);
                tuples.set(i, new NodeTuple(t.getKeyNode(), child));
                return map;
            }
        }
        ScalarNode keyNode = new ScalarNode(Tag.STR, key, null, null, DumperOptions.ScalarStyle.PLAIN);
        origins.markOverride(keyNode, expression);
        Node child = depth + 1 == keys.length ? value : set(null, keys, depth + 1, value, expression, origins);
        tuples.add(new NodeTuple(keyNode, child));
        return map;
    }
}
