package prunebench.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Finds the node a message of another module is about, from the key path it starts with
 * ({@code report.compare[1]: ...}), so that the message can be given the file line like the loader's own.
 */
final class KeyPaths {
    private static final Pattern PATH = Pattern.compile("^([A-Za-z0-9_]+(?:\\.[A-Za-z0-9_]+|\\[\\d+])*): ");
    private static final Pattern STEP = Pattern.compile("\\.([A-Za-z0-9_]+)|\\[(\\d+)]");
    private static final Pattern UNKNOWN_KEY = Pattern.compile("^unknown key '([^']*)'");

    private KeyPaths() {}

    /**
     * The deepest node of {@code section} along the path at the start of {@code message} (the section's own
     * path first); an unknown key is located at the key itself.
     */
    static Node locate(Field section, String message) {
        Node node = section.node();
        Matcher path = PATH.matcher(message);
        if (!path.find() || !path.group(1).startsWith(section.path())) {
            return node;
        }
        Matcher step = STEP.matcher(path.group(1).substring(section.path().length()));
        while (step.find()) {
            Node next = step.group(1) != null ? value(node, step.group(1)) : item(node, Integer.parseInt(step.group(2)));
            if (next == null) {
                return node;
            }
            node = next;
        }
        Matcher unknown = UNKNOWN_KEY.matcher(message.substring(path.end()));
        if (unknown.find() && node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(unknown.group(1))) {
                    return k;
                }
            }
        }
        return node;
    }

    private static Node value(Node node, String key) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }

    private static Node item(Node node, int index) {
        return node instanceof SequenceNode s && index < s.getValue().size() ? s.getValue().get(index) : null;
    }
}
