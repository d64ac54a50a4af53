package prunebench.config;

import java.util.IdentityHashMap;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where each node of one experiment's tree came from: a line of the file, or a {@code --set} expression (whose
 * own line numbers mean nothing to the user). Every error message starts with {@link #of}.
 */
final class Origins {
    private final String file;
    private final Map<Node, String> overrides = new IdentityHashMap<>();

    Origins(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    /** {@code file:line} (1-based), or {@code --set expression} for nodes an override wrote. */
    String of(Node node) {
        String expression = node == null ? null : overrides.get(node);
        if (expression != null) {
            return "--set " + expression;
        }
        if (node == null || node.getStartMark() == null) {
            return file;
        }
        return file + ":" + (node.getStartMark().getLine() + 1);
    }

    boolean isOverride(Node node) {
        return node != null && overrides.containsKey(node);
    }

    ConfigException error(Node node, String message) {
        return new ConfigException(of(node) + ": " + message);
    }

    /** Marks {@code node} and everything under it as written by {@code --set expression}. */
    void markOverride(Node node, String expression) {
        if (node == null || overrides.containsKey(node)) {
            return; // also stops at alias cycles
        }
        overrides.put(node, expression);
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                markOverride(t.getKeyNode(), expression);
                markOverride(t.getValueNode(), expression);
            }
        } else if (node instanceof SequenceNode s) {
            s.getValue().forEach(child -> markOverride(child, expression));
        }
    }

    /** A copy of a node keeps the origin of the node it copies. */
    void copyOrigin(Node from, Node to) {
        String expression = overrides.get(from);
        if (expression != null) {
            overrides.put(to, expression);
        }
    }
}
