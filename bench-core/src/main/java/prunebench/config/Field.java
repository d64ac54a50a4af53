package prunebench.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.function.LongPredicate;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One value of the experiment tree with its key path ({@code pretrain.optimizer.lr},
 * {@code pruning.strategies[2]}), so that every conversion error names the file line (or {@code --set}), the key
 * and what was expected.
 */
final class Field {
    private final Node key;
    private final Node value;
    private final String path;
    private final Origins origins;

    /** {@code key} is the node of the key that holds this value; null for the root and list elements. */
    Field(Node key, Node value, String path, Origins origins) {
        this.key = key;
        this.value = value;
        this.path = path;
        this.origins = origins;
    }

    Node key() {
        return key;
    }

    Node node() {
        return value;
    }

    String path() {
        return path;
    }

    Origins origins() {
        return origins;
    }

    boolean isNull() {
        return value instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    ConfigException error(String message) {
        return origins.error(value, path.isEmpty() ? message : path + ": " + message);
    }

    /** Any non-null scalar, as written (so {@code name: 2024} and {@code name: yes} stay text). */
    String string() {
        if (value instanceof ScalarNode s && !isNull()) {
            return s.getValue();
        }
        throw expected("a string");
    }

    /** An integer (not {@code 3.0}) that satisfies {@code ok}; {@code requirement} completes "must ...". */
    long integer(LongPredicate ok, String requirement) {
        if (!(value instanceof ScalarNode s) || !s.getTag().equals(Tag.INT)) {
            throw expected("an integer");
        }
        Object n = decode(s, "an integer");
        if (n instanceof BigInteger || !ok.test(((Number) n).longValue())) {
            throw error(requirement + ", got " + s.getValue());
        }
        return ((Number) n).longValue();
    }

    int intValue(LongPredicate ok, String requirement) {
        return (int) integer(v -> v <= Integer.MAX_VALUE && v >= Integer.MIN_VALUE && ok.test(v), requirement);
    }

    /** A finite number, integer or not, that satisfies {@code ok}. */
    double number(DoublePredicate ok, String requirement) {
        if (!(value instanceof ScalarNode s) || !(s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT))) {
            throw expected("a number");
        }
        double d = ((Number) decode(s, "a number")).doubleValue();
        if (!Double.isFinite(d) || !ok.test(d)) {
            throw error(requirement + ", got " + s.getValue());
        }
        return d;
    }

    boolean bool() {
        if (value instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
            return (Boolean) decode(s, "true or false");
        }
        throw expected("true or false");
    }

    List<Field> list() {
        if (!(value instanceof SequenceNode seq)) {
            throw expected("a list");
        }
        List<Field> items = new ArrayList<>();
        for (Node item : seq.getValue()) {
            items.add(new Field(null, item, path + "[" + items.size() + "]", origins));
        }
        return items;
    }

    List<Field> nonEmptyList() {
        List<Field> items = list();
        if (items.isEmpty()) {
            throw error("must not be empty");
        }
        return items;
    }

    /** This value as a map whose keys must be among {@code validKeys} (null: any key). */
    Section section(Collection<String> validKeys) {
        if (!(value instanceof MappingNode)) {
            throw expected("a map");
        }
        return new Section(this, validKeys);
    }

    /**
     * Plain, unmodifiable Java values (String, Integer/Long/BigInteger, Double, Boolean, null, List, Map with
     * String keys) for the parts of the file that other modules interpret: strategy parameters, the report.
     */
    Object raw() {
        return raw(Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /** {@code enclosing}: the collections this value is inside, to stop at an alias that refers to one of them. */
    private Object raw(Set<Node> enclosing) {
        if (value instanceof ScalarNode s) {
            Tag tag = s.getTag();
            if (tag.equals(Tag.NULL)) {
                return null;
            }
            if (tag.equals(Tag.BOOL)) {
                return decode(s, "true or false");
            }
            if (tag.equals(Tag.INT)) {
                return decode(s, "an integer");
            }
            if (tag.equals(Tag.FLOAT)) {
                return decode(s, "a number");
            }
            if (tag.equals(Tag.STR) || tag.equals(Tag.TIMESTAMP)) {
                return s.getValue(); // a date stays the text the user wrote
            }
            throw error("unsupported tag '" + tag.getValue() + "'");
        }
        if (!enclosing.add(value)) {
            throw error("a YAML alias refers to a value that contains it");
        }
        Object result;
        if (value instanceof SequenceNode) {
            List<Object> items = new ArrayList<>();
            list().forEach(item -> items.add(item.raw(enclosing)));
            result = Collections.unmodifiableList(items);
        } else {
            Map<String, Object> map = new LinkedHashMap<>();
            Section section = section(null);
            for (String k : section.keys()) {
                map.put(k, section.entry(k).raw(enclosing));
            }
            result = Collections.unmodifiableMap(map);
        }
        enclosing.remove(value);
        return result;
    }

    /** An explicit tag can promise what the text is not ({@code !!int abc}): that is a type error too. */
    private Object decode(ScalarNode s, String what) {
        Object decoded;
        try {
            decoded = Scalars.decode(s);
        } catch (RuntimeException e) {
            throw expected(what);
        }
        if (decoded == null) {
            throw expected(what);
        }
        return decoded;
    }

    private ConfigException expected(String what) {
        return error("expected " + what + ", got " + shown());
    }

    /** How the value appears in "expected ..., got ..." messages. */
    private String shown() {
        if (value instanceof SequenceNode) {
            return "a list";
        }
        if (value instanceof MappingNode) {
            return "a map";
        }
        return isNull() ? "null" : "'" + ((ScalarNode) value).getValue() + "'";
    }
}
