package prunebench.prune;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import prunebench.config.ConfigException;
import prunebench.util.Names;

/** Pruning strategies by name, found through {@link ServiceLoader}. */
public final class StrategyRegistry {
    private final Map<String, PruningStrategy> byName = new TreeMap<>();

    public StrategyRegistry() {
        this(ServiceLoader.load(PruningStrategy.class));
    }

    public StrategyRegistry(Iterable<? extends PruningStrategy> strategies) {
        for (PruningStrategy s : strategies) {
            PruningStrategy previous = byName.put(s.name(), s);
            if (previous != null) {
                throw new IllegalStateException("two strategies named '" + s.name() + "': "
                        + previous.getClass().getName() + " and " + s.getClass().getName());
            }
        }
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public PruningStrategy get(String name) {
        PruningStrategy s = byName.get(name);
        if (s == null) {
            throw new ConfigException(Names.unknown("strategy", name, byName.keySet()));
        }
        return s;
    }
}
