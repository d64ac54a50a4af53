package prunebench.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import prunebench.config.ConfigException;
import prunebench.util.Names;

/** Turns the raw YAML map of {@code report:} into a {@link ReportSpec}; every error names the key path. */
final class ReportSpecParser {
    static final String SECTION = "report";
    private static final List<String> KEYS = List.of("title", "figures", "strategies", "metric", "density_profile",
            "training_curves", "compare", "format", "titles", "references",
            "agreement_bound");
    private static final List<String> SELECTION_KEYS = List.of("compression", "strategies", "runs");

    private ReportSpecParser() {}

    static ReportSpec parse(Object section) {
        Map<?, ?> map = map(section, SECTION);
        checkKeys(map, SECTION, KEYS);
        ReportSpec d = ReportSpec.defaults();
        return new ReportSpec(
                map.containsKey("figures") ? enums(map.get("figures"), key("figures"), "figure", FigureKind::fromKey,
                        FigureKind.keys()) : d.figures(),
                map.containsKey("title") ? string(map.get("title"), key("title")) : d.title(),
                map.containsKey("strategies") ? strings(map.get("strategies"), key("strategies")) : d.strategies(),
                map.containsKey("metric") ? metric(map.get("metric")) : d.metric(),
                map.containsKey("density_profile") ? selection(map.get("density_profile"), key("density_profile"))
                        : d.densityProfile(),
                map.containsKey("training_curves") ? selection(map.get("training_curves"), key("training_curves"))
                        : d.trainingCurves(),
                map.containsKey("compare") ? pairs(map.get("compare")) : d.compare(),
                map.containsKey("format") ? formats(map.get("format")) : d.formats(),
                map.containsKey("references") ? strings(map.get("references"), key("references")).stream()
                        .map(java.nio.file.Path::of).toList() : d.references(),
                map.containsKey("titles") ? bool(map.get("titles"), key("titles")) : d.titles(),
                map.containsKey("agreement_bound") ? bound(map.get("agreement_bound")) : d.agreementBound());
    }

    private static boolean bool(Object value, String path) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw new ConfigException(path + ": expected true or false, got " + describe(value));
    }

    private static double bound(Object value) {
        if (value instanceof Number n && n.doubleValue() > 0 && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw new ConfigException(key("agreement_bound") + ": expected a positive number of top-1 points, got "
                + describe(value));
    }

    private static String key(String name) {
        return SECTION + "." + name;
    }

    private static String metric(Object value) {
        String m = string(value, key("metric"));
        if (!ReportSpec.METRICS.contains(m)) {
            throw new ConfigException(key("metric") + ": " + Names.unknown("metric", m, ReportSpec.METRICS));
        }
        return m;
    }

    private static ReportSpec.RunSelection selection(Object value, String path) {
        Map<?, ?> map = map(value, path);
        checkKeys(map, path, SELECTION_KEYS);
        Double compression = null;
        if (map.get("compression") != null) {
            Object c = map.get("compression");
            if (!(c instanceof Number n) || !(n.doubleValue() >= 1) || Double.isInfinite(n.doubleValue())) {
                throw new ConfigException(path + ".compression: expected a compression ratio >= 1 (1 = dense), got "
                        + describe(c));
            }
            compression = ((Number) c).doubleValue();
        }
        List<String> strategies = map.containsKey("strategies") ? strings(map.get("strategies"), path + ".strategies")
                : List.of();
        List<String> runs = map.containsKey("runs") ? strings(map.get("runs"), path + ".runs") : List.of();
        return new ReportSpec.RunSelection(compression, strategies, runs);
    }

    private static List<ReportSpec.Pair> pairs(Object value) {
        List<?> list = list(value, key("compare"));
        List<ReportSpec.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = key("compare") + "[" + i + "]";
            Object item = list.get(i);
            if (!(item instanceof List<?> pair) || pair.size() != 2) {
                throw new ConfigException(path + ": expected a pair of strategy labels like [global-magnitude, random], got "
                        + describe(item));
            }
            String a = string(pair.get(0), path + "[0]");
            String b = string(pair.get(1), path + "[1]");
            if (a.equals(b)) {
                throw new ConfigException(path + ": compares '" + a + "' with itself");
            }
            pairs.add(new ReportSpec.Pair(a, b));
        }
        return pairs;
    }

    private static Set<ImageFormat> formats(Object value) {
        List<ImageFormat> formats = enums(value, key("format"), "format", ImageFormat::fromKey, ImageFormat.keys());
        if (formats.isEmpty()) {
            throw new ConfigException(key("format") + ": needs at least one of " + ImageFormat.keys());
        }
        return EnumSet.copyOf(formats);
    }

    private static <E> List<E> enums(Object value, String path, String what, Function<String, Optional<E>> lookup,
            List<String> valid) {
        List<String> names = strings(value, path);
        List<E> result = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String at = path + "[" + i + "]";
            result.add(lookup.apply(name).orElseThrow(() -> new ConfigException(at + ": " + Names.unknown(what, name, valid))));
        }
        return result;
    }

    /** A list of distinct non-empty strings; a single scalar is read as a list of one. */
    private static List<String> strings(Object value, String path) {
        if (value == null || value instanceof Map) {
            throw new ConfigException(path + ": expected a list, got " + describe(value));
        }
        List<?> list = value instanceof List<?> l ? l : List.of(value);
        List<String> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String s = string(list.get(i), path + "[" + i + "]");
            if (!seen.add(s)) {
                throw new ConfigException(path + "[" + i + "]: '" + s + "' is listed twice");
            }
            result.add(s);
        }
        return result;
    }

    private static String string(Object value, String path) {
        // YAML reads unquoted labels such as 16 or true as numbers/booleans; accept them as text.
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            String s = value.toString().strip();
            if (!s.isEmpty()) {
                return s;
            }
        }
        throw new ConfigException(path + ": expected a non-empty string, got " + describe(value));
    }

    private static List<?> list(Object value, String path) {
        if (value instanceof List<?> l) {
            return l;
        }
        throw new ConfigException(path + ": expected a list, got " + describe(value));
    }

    private static Map<?, ?> map(Object value, String path) {
        if (value instanceof Map<?, ?> m) {
            return m;
        }
        throw new ConfigException(path + ": expected a mapping (key: value lines), got " + describe(value));
    }

    private static void checkKeys(Map<?, ?> map, String path, Collection<String> valid) {
        for (Object k : map.keySet()) {
            if (!valid.contains(String.valueOf(k))) {
                throw new ConfigException(path + ": " + Names.unknown("key", String.valueOf(k), valid));
            }
        }
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        String kind = value instanceof Map ? "mapping" : value instanceof List ? "list" : value instanceof String ? "string"
                : value instanceof Number ? "number" : value.getClass().getSimpleName();
        return kind + " " + (value instanceof String ? "'" + value + "'" : value);
    }
}
