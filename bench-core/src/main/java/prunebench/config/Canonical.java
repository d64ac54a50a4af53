package prunebench.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A canonical, stable text for configuration values and its SHA-256, from which run identities are cut. The text
 * is JSON-like: records as objects keyed by component name in declaration order, maps sorted by key, other
 * collections that are not lists (sets) sorted, enums and strings quoted, and numbers normalised so that the
 * same quantity prints the same whatever its Java type ({@code 4}, {@code 4L} and {@code 4.0} all print
 * {@code 4}; {@code 0.1} and {@code 0.1f} print {@code 0.1}). Anything else is rejected rather than hashed
 * through a {@code toString} that might not be stable.
 */
public final class Canonical {
    private Canonical() {}

    /**
     * A record component left out of the canonical form while it is null: a key added later hashes as it did before
     * it existed, as long as it is not set.
     */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.RECORD_COMPONENT)
    public @interface OmitWhenNull {}

    public static String text(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    /** Lower-case hex SHA-256 of the UTF-8 {@link #text} (64 characters). */
    public static String hash(Object value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(text(value).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b);
        } else if (value instanceof Number n) {
            out.append(number(n));
        } else if (value instanceof CharSequence || value instanceof Character) {
            quote(out, value.toString());
        } else if (value instanceof Enum<?> e) {
            quote(out, e.name());
        } else if (value instanceof Record r) {
            record(out, r);
        } else if (value instanceof Map<?, ?> m) {
            map(out, m);
        } else if (value instanceof List<?> l) {
            list(out, l);
        } else if (value instanceof Collection<?> c) {
            List<String> items = new ArrayList<>();
            c.forEach(item -> items.add(text(item)));
            items.sort(null);
            out.append('[').append(String.join(",", items)).append(']');
        } else {
            throw new IllegalArgumentException("no canonical form for " + value.getClass().getName());
        }
    }

    /** The shortest decimal that denotes the value, without exponent or trailing zeros. */
    static String number(Number n) {
        BigDecimal d;
        if (n instanceof Double || n instanceof Float) {
            double v = n.doubleValue();
            if (!Double.isFinite(v)) {
                return Double.toString(v); // NaN, Infinity, -Infinity
            }
            // Float.toString keeps 0.1f as 0.1 rather than its binary expansion.
            d = new BigDecimal(n instanceof Float f ? Float.toString(f) : Double.toString(v));
        } else if (n instanceof BigDecimal b) {
            d = b;
        } else if (n instanceof BigInteger i) {
            d = new BigDecimal(i);
        } else if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            d = BigDecimal.valueOf(n.longValue());
        } else {
            d = new BigDecimal(n.toString());
        }
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    private static void record(StringBuilder out, Record r) {
        out.append('{');
        boolean first = true;
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object value = component(r, c);
            if (value == null && c.isAnnotationPresent(OmitWhenNull.class)) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(out, c.getName());
            out.append(':');
            append(out, value);
        }
        out.append('}');
    }

    private static Object component(Record r, RecordComponent c) {
        try {
            var accessor = c.getAccessor();
            accessor.setAccessible(true); // records nested in non-public classes
            return accessor.invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + r.getClass().getName() + "." + c.getName(), e);
        }
    }

    private static void map(StringBuilder out, Map<?, ?> m) {
        Map<String, Object> sorted = new TreeMap<>();
        m.forEach((k, v) -> sorted.put(text(k), v));
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : sorted.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(e.getKey()).append(':');
            append(out, e.getValue());
        }
        out.append('}');
    }

    private static void list(StringBuilder out, List<?> l) {
        out.append('[');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            append(out, l.get(i));
        }
        out.append(']');
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
