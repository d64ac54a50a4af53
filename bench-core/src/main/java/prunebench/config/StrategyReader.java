package prunebench.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import prunebench.prune.PruningStrategy;
import prunebench.prune.Scratch;
import prunebench.prune.StrategyOptions;
import prunebench.prune.StrategyRegistry;
import prunebench.util.Names;

/**
 * {@code pruning.strategies}: each a registered name or a map {@code {name: ..., label: ..., <parameters>}}.
 * Parameters are checked against the strategy's own keys and the common ones ({@link StrategyOptions}), and
 * against the type of their default, so that a typo fails at load time rather than after pretraining.
 */
final class StrategyReader {
    /** How the planner names a strategy in its errors: {@code strategy '<label>': <message>}. */
    private static final Pattern LABELLED = Pattern.compile("strategy '([^']*)': (.*)", Pattern.DOTALL);

    private final StrategyRegistry registry;
    /** The entries of the strategies last read, by label: where {@link #locate} finds a planner's error. */
    private final Map<String, Field> entries = new HashMap<>();

    StrategyReader(StrategyRegistry registry) {
        this.registry = registry;
    }

    List<StrategySpec> read(Field field) {
        List<StrategySpec> specs = new ArrayList<>();
        Map<String, String> labels = new HashMap<>();
        Map<String, StrategySpec> idLabels = new HashMap<>();
        entries.clear();
        for (Field item : field.nonEmptyList()) {
            StrategySpec spec = item.node() instanceof MappingNode ? fromMap(item) : fromName(item);
            String first = labels.putIfAbsent(spec.label(), item.path());
            if (first != null) {
                throw item.error("duplicate label '" + spec.label() + "' (also " + first
                        + "); give one of them a different label");
            }
            // Run ids carry the label with unsafe characters replaced: two labels that read the same there would
            // share run ids, and one strategy's runs would silently stand in for the other's. Letter case does not
            // count, since run ids are folder names and some file systems ignore case.
            StrategySpec same = idLabels.putIfAbsent(spec.idLabel().toLowerCase(Locale.ROOT), spec);
            if (same != null) {
                throw item.error("label '" + spec.label() + "' collides with label '" + same.label() + "' ("
                        + labels.get(same.label()) + "): "
                        + (same.idLabel().equals(spec.idLabel()) ? "both become '" + spec.idLabel() + "' in run ids"
                                : "their run ids differ only in letter case")
                        + "; give one of them a label that differs in letters, digits, '.', '_' or '-'");
            }
            specs.add(spec);
            entries.put(spec.label(), item);
        }
        return List.copyOf(specs);
    }

    /**
     * An error the planner found in a strategy read here ({@code strategy '<label>': ...}: rewind_to beyond
     * pretraining, 'at' on imp, a structured strategy on a model without what it ranks, ...), at the line of the
     * key it names, else of the strategy's entry, as the errors found while reading are; others unchanged.
     */
    ConfigException locate(ConfigException e) {
        Matcher m = LABELLED.matcher(String.valueOf(e.getMessage()));
        Field item = m.matches() ? entries.get(m.group(1)) : null;
        if (item == null) {
            return e;
        }
        ConfigException located;
        if (item.node() instanceof MappingNode) {
            Section s = item.section(null);
            located = at(item, s, s.keys(), m.group(2));
        } else {
            located = item.error(m.group(2));
        }
        located.initCause(e);
        return located;
    }

    private String strategyName(Field f) {
        String name = f.string();
        if (!registry.names().contains(name)) {
            throw f.error(Names.unknown("strategy", name, registry.names()));
        }
        return name;
    }

    private StrategySpec fromName(Field item) {
        String name = strategyName(item);
        return new StrategySpec(name, name, Map.of());
    }

    private StrategySpec fromMap(Field item) {
        String name = strategyName(item.section(null).required("name"));
        PruningStrategy strategy = registry.get(name);
        Map<String, Object> defaults = strategy.parameterDefaults();
        Set<String> valid = new TreeSet<>(defaults.keySet());
        valid.addAll(StrategyOptions.COMMON_KEYS);
        valid.add("name");
        Section s = item.section(valid);
        String label = s.get("label").map(f -> {
            String l = f.string();
            if (l.isBlank()) {
                throw f.error("must not be blank");
            }
            return l;
        }).orElse(name);
        Map<String, Object> params = new LinkedHashMap<>();
        for (String key : s.keys()) {
            if (key.equals("name") || key.equals("label")) {
                continue;
            }
            Field f = s.entry(key);
            if (f.isNull()) {
                throw f.error("null is not a value; leave the key out to use the default");
            }
            params.put(key, typed(key, f, defaults.get(key)));
        }
        if ("scratch".equals(params.get(Scratch.RETRAIN)) && !name.equals(prunebench.prune.Imp.NAME)) {
            params.putIfAbsent(Scratch.BUDGET, "epochs"); // the default spelled out: one run, one identity
        }
        try {
            // the strategy's own check of its values, here where the error can name the file, line and key
            strategy.validate(new StrategyOptions(name, defaults, params));
        } catch (ConfigException e) {
            throw at(item, s, params.keySet(), e.getMessage());
        }
        return new StrategySpec(name, label, params);
    }

    /**
     * A strategy's complaint at the line of the parameter it names ({@code parameter 'x' ...}, {@code 'x' ...} or
     * {@code x must ...}), else at the strategy's entry. A strategy's message may start with its own
     * {@code strategy 'name': }, which the path already says.
     */
    private static ConfigException at(Field item, Section s, Set<String> keys, String message) {
        String m = message.replaceFirst("^strategy '[^']*': ", "");
        for (String key : keys) {
            if (m.startsWith(key + ": ")) { // "rewind_to: 9 is beyond ...": the path ends with the key already
                return s.entry(key).error(m.substring(key.length() + 2));
            }
            if (m.contains("'" + key + "'") || m.startsWith(key + " ") || m.startsWith(key + ":")) {
                return s.entry(key).error(m);
            }
        }
        return item.error(m);
    }

    /** The parameter's value: common keys have fixed types, others must be of the same kind as their default. */
    private static Object typed(String key, Field f, Object fallback) {
        if (key.equals("iterations")) {
            return f.intValue(v -> v >= 1, "must be a positive integer");
        }
        if (key.equals("dense_first_layer") || fallback instanceof Boolean) {
            return f.bool();
        }
        if (fallback instanceof Integer) {
            return f.intValue(v -> true, "must be an integer");
        }
        if (fallback instanceof Long) {
            return f.integer(v -> true, "must be an integer");
        }
        if (fallback instanceof Number) {
            return f.number(v -> true, "must be a finite number");
        }
        if (fallback instanceof String) {
            return f.string();
        }
        return f.raw();
    }
}
