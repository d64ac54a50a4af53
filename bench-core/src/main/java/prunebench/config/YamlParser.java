package prunebench.config;

import java.io.StringReader;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * YAML text to a node tree with SnakeYAML's safe loader, composing nodes only (no objects are built), so that
 * every later error can point at a line. Duplicate keys are errors: SnakeYAML would silently keep the last.
 * The tree's size with every alias expanded is bounded ({@link #MAX_NODES}, {@link #MAX_CHARS}): SnakeYAML limits
 * the number of aliases, but fewer than its limit, each doubling the previous level, expand to millions of values
 * once this layer reads the tree (a 1 KB file took gigabytes).
 */
final class YamlParser {
    /** Values (scalars, lists, maps, keys included) of the tree with aliases expanded; experiments need hundreds. */
    static final long MAX_NODES = 100_000;
    /** Characters of scalar text with aliases expanded. */
    static final long MAX_CHARS = 1 << 20;

    private YamlParser() {}

    /**
     * The single document in {@code text}, or null if it has none. {@code where} prefixes errors: the file name
     * (followed by the line of the problem) or {@code --set expression} (followed by the column).
     */
    static Node compose(String text, String where, boolean isFile) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Node root;
        try {
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            throw new ConfigException(malformed(e, where, isFile), e);
        } catch (YAMLException e) {
            if (String.valueOf(e.getMessage()).contains("Number of aliases")) {
                int line = aliasLimitLine(text, options.getMaxAliasesForCollections());
                throw new ConfigException(where + (isFile && line > 0 ? ":" + line : "") + ": more than "
                        + options.getMaxAliasesForCollections() + " YAML aliases (*name) to lists or maps (the "
                        + "limit, against alias bombs that expand a small file to gigabytes); write the values out "
                        + "or use fewer aliases", e);
            }
            throw new ConfigException(where + ": malformed YAML: " + e.getMessage(), e);
        }
        if (root != null) {
            new ExpandedSize(where, isFile).of(root);
        }
        return root;
    }

    /**
     * Counts the tree as if every alias were written out, each distinct node once (memoised), and stops at the
     * first, smallest, subtree over a limit. An alias to an enclosing node counts once here; reading it is refused
     * later ("refers to a value that contains it").
     */
    private static final class ExpandedSize {
        private final String where;
        private final boolean isFile;
        private final Map<Node, long[]> sizes = new IdentityHashMap<>();

        ExpandedSize(String where, boolean isFile) {
            this.where = where;
            this.isFile = isFile;
        }

        /** {nodes, characters} of {@code node} expanded. */
        long[] of(Node node) {
            long[] known = sizes.get(node);
            if (known != null) {
                return known;
            }
            long[] size = {1, 0};
            sizes.put(node, size); // provisional: an alias cycle reaching back here counts one node
            if (node instanceof ScalarNode s) {
                size[1] = s.getValue().length();
            } else if (node instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    add(size, of(t.getKeyNode()));
                    add(size, of(t.getValueNode()));
                }
            } else if (node instanceof SequenceNode q) {
                for (Node child : q.getValue()) {
                    add(size, of(child));
                }
            }
            if (size[0] > MAX_NODES || size[1] > MAX_CHARS) {
                Mark at = node.getStartMark();
                throw new ConfigException(where + (isFile && at != null ? ":" + (at.getLine() + 1) : "")
                        + ": this value expands through YAML aliases to more than "
                        + (size[0] > MAX_NODES ? MAX_NODES + " values" : MAX_CHARS + " characters")
                        + " (the limit for an experiment); write it out or use fewer aliases");
            }
            return size;
        }

        private static void add(long[] total, long[] part) {
            total[0] = Math.min(Long.MAX_VALUE / 2, total[0] + part[0]);
            total[1] = Math.min(Long.MAX_VALUE / 2, total[1] + part[1]);
        }
    }

    /**
     * The line (1-based) of the alias past SnakeYAML's limit, counting {@code *name} tokens outside comments and
     * quotes (aliases to scalars count too, so this is the limit's line or an earlier one); 0 if none is found.
     */
    static int aliasLimitLine(String text, int limit) {
        java.util.regex.Pattern alias = java.util.regex.Pattern.compile("(?<=^|[\\s\\[{,:-])\\*[^\\s,\\[\\]{}]+");
        String[] lines = text.split("\n", -1);
        int seen = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replaceAll("\"[^\"]*\"|'[^']*'", "\"\"").replaceAll("(^|\\s)#.*", "");
            java.util.regex.Matcher m = alias.matcher(line);
            while (m.find()) {
                if (++seen > limit) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    /** SnakeYAML's context and problem, each with its position, then the snippet with a caret. */
    private static String malformed(MarkedYAMLException e, String where, boolean isFile) {
        Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        StringBuilder m = new StringBuilder(where);
        if (isFile && at != null) {
            m.append(':').append(at.getLine() + 1);
        }
        m.append(isFile ? ": malformed YAML: " : ": malformed value: ");
        if (e.getContext() != null) {
            m.append(e.getContext()).append(position(e.getContextMark(), isFile));
            m.append(e.getProblem() != null ? ": " : "");
        }
        if (e.getProblem() != null) {
            m.append(e.getProblem()).append(position(e.getProblemMark(), isFile));
        }
        if (at != null) {
            m.append('\n').append(at.get_snippet());
        }
        return m.toString();
    }

    private static String position(Mark mark, boolean isFile) {
        if (mark == null) {
            return "";
        }
        return isFile ? " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")"
                : " (column " + (mark.getColumn() + 1) + ")";
    }

    /** Rejects a key written twice in the same map anywhere under {@code root}, whose key path is {@code path}. */
    static void checkDuplicateKeys(Node root, String path, Origins origins) {
        checkDuplicateKeys(root, path, origins, new IdentityHashMap<>());
    }

    private static void checkDuplicateKeys(Node node, String path, Origins origins, Map<Node, Boolean> seen) {
        if (seen.put(node, Boolean.TRUE) != null) {
            return; // an alias to a node already checked
        }
        if (node instanceof MappingNode m) {
            Map<String, Node> keys = new HashMap<>();
            for (NodeTuple t : m.getValue()) {
                String childPath = path;
                if (t.getKeyNode() instanceof ScalarNode k) {
                    Node first = keys.putIfAbsent(k.getValue(), k);
                    if (first != null) {
                        throw origins.error(k, "duplicate key '" + k.getValue() + "'"
                                + (path.isEmpty() ? "" : " in " + path) + " (first at " + origins.of(first) + ")");
                    }
                    childPath = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
                }
                checkDuplicateKeys(t.getValueNode(), childPath, origins, seen);
            }
        } else if (node instanceof SequenceNode s) {
            for (int i = 0; i < s.getValue().size(); i++) {
                checkDuplicateKeys(s.getValue().get(i), path + "[" + i + "]", origins, seen);
            }
        }
    }
}
