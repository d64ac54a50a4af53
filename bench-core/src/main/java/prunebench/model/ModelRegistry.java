package prunebench.model;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import prunebench.config.ConfigException;
import prunebench.util.Names;

/** Model architectures by name, found through {@link ServiceLoader}. */
public final class ModelRegistry {
    private final Map<String, ModelFactory> byName = new TreeMap<>();

    public ModelRegistry() {
        this(ServiceLoader.load(ModelFactory.class));
    }

    public ModelRegistry(Iterable<ModelFactory> factories) {
        for (ModelFactory f : factories) {
            byName.put(f.name(), f);
        }
    }

    public java.util.Set<String> names() {
        return byName.keySet();
    }

    public ModelFactory get(String name) {
        ModelFactory f = byName.get(name);
        if (f == null) {
            throw new ConfigException(Names.unknown("model", name, byName.keySet()));
        }
        return f;
    }
}
