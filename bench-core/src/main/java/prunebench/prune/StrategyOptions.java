package prunebench.prune;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import prunebench.config.ConfigException;
import prunebench.util.Names;

/**
 * A strategy's parameters from the experiment file merged over its defaults, with typed access. Keys are checked
 * once, when the experiment is loaded.
 */
public final class StrategyOptions {
    /** Keys every strategy accepts; they configure the axes around the score. */
    public static final Set<String> COMMON_KEYS =
            Set.of("label", "distribution", "scope", "at", "iterations", "dense_first_layer", Control.KEY,
                    Scratch.RETRAIN, Scratch.BUDGET, InitScale.KEY, LayerDensities.KEY);

    private final String strategy;
    private final Map<String, Object> values;

    public StrategyOptions(String strategy, Map<String, Object> defaults, Map<String, Object> given) {
        this.strategy = strategy;
        Set<String> valid = new TreeSet<>(defaults.keySet());
        valid.addAll(COMMON_KEYS);
        for (String key : given.keySet()) {
            if (!valid.contains(key)) {
                throw new ConfigException("strategy '" + strategy + "': " + Names.unknown("parameter", key, valid));
            }
        }
        Map<String, Object> merged = new TreeMap<>(defaults);
        merged.putAll(given);
        this.values = Map.copyOf(merged);
    }

    public boolean has(String key) {
        return values.containsKey(key) && values.get(key) != null;
    }

    public Object raw(String key) {
        return values.get(key);
    }

    public int getInt(String key) {
        Object v = require(key);
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw wrongType(key, v, "an integer");
    }

    public double getDouble(String key) {
        Object v = require(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw wrongType(key, v, "a number");
    }

    public boolean getBoolean(String key) {
        Object v = require(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, v, "true or false");
    }

    public String getString(String key) {
        return String.valueOf(require(key));
    }

    private Object require(String key) {
        if (!has(key)) {
            throw new ConfigException("strategy '" + strategy + "': parameter '" + key + "' is required");
        }
        return values.get(key);
    }

    private ConfigException wrongType(String key, Object v, String expected) {
        return new ConfigException("strategy '" + strategy + "': parameter '" + key + "' must be " + expected
                + ", got '" + v + "'");
    }

    public String strategy() {
        return strategy;
    }

    public Map<String, Object> asMap() {
        return values;
    }
}
