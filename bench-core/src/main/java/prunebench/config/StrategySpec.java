package prunebench.config;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A strategy as written in the experiment: its registered name and its parameters (sorted, so that the
 * canonical form and hence the run identity does not depend on the order in the file). {@code label} is what
 * tables and figures show; it defaults to the name and must be unique within an experiment.
 */
public record StrategySpec(String name, String label, Map<String, Object> params) {
    public StrategySpec {
        // Map.copyOf would drop the key order this record promises.
        params = Collections.unmodifiableSortedMap(new TreeMap<>(params));
    }

    /** The label as it appears in run ids and folder names: anything but letters, digits, '.', '_', '-' becomes '_'. */
    public String idLabel() {
        return label.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    public Object param(String key, Object fallback) {
        return params.getOrDefault(key, fallback);
    }
}
