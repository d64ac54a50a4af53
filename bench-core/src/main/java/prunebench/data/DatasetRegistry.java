package prunebench.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import prunebench.config.DatasetSpec;
import prunebench.util.Names;

/** Finds dataset readers and the folder that holds a dataset. */
public final class DatasetRegistry {
    private final Map<String, DatasetProvider> byName = new LinkedHashMap<>();
    private final Map<String, String> environment;

    public DatasetRegistry() {
        this(ServiceLoader.load(DatasetProvider.class), System.getenv());
    }

    public DatasetRegistry(Iterable<DatasetProvider> providers, Map<String, String> environment) {
        this.environment = environment;
        for (DatasetProvider p : providers) {
            for (String n : p.names()) {
                byName.put(n, p);
            }
        }
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public DatasetProvider get(String name) {
        DatasetProvider p = byName.get(name);
        if (p == null) {
            throw new DatasetException(Names.unknown("dataset", name, byName.keySet()));
        }
        return p;
    }

    /** The folders searched, in order: dataset.root, $PRUNEBENCH_DATA/name, ./data/name, /usr/share/datasets/name. */
    public List<Path> candidates(DatasetSpec spec) {
        List<Path> dirs = new ArrayList<>();
        if (spec.root() != null) {
            dirs.add(Path.of(spec.root()));
            return dirs;
        }
        String env = environment.get("PRUNEBENCH_DATA");
        if (env != null && !env.isBlank()) {
            dirs.add(Path.of(env, spec.name()));
        }
        dirs.add(Path.of("data", spec.name()).toAbsolutePath());
        dirs.add(Path.of("/usr/share/datasets", spec.name()));
        return dirs;
    }

    /**
     * Where {@code --download} and {@code dataset.download: true} put the dataset: {@code dataset.root} when set,
     * else {@code $PRUNEBENCH_DATA/<name>}, else {@code ./data/<name>}, the first folders searched.
     */
    public Path downloadTarget(DatasetSpec spec) {
        return candidates(spec).get(0);
    }

    /** Fetches the dataset into {@link #downloadTarget} unless it is found already (then says where). */
    public void download(DatasetSpec spec, java.io.PrintStream log) throws IOException {
        Optional<Path> found = find(spec);
        if (found.isPresent()) {
            log.println(spec.name() + ": already in " + found.get() + "; nothing to download");
        } else {
            new Downloader(log).fetch(spec.name(), get(spec.name()), downloadTarget(spec));
        }
    }

    /** The first candidate folder that holds the dataset, if any. */
    public Optional<Path> find(DatasetSpec spec) {
        DatasetProvider p = get(spec.name());
        return candidates(spec).stream().filter(d -> Files.isDirectory(d) && p.isPresent(spec.name(), d)).findFirst();
    }

    /** The first candidate folder that holds the dataset, or an error saying where we looked and what is expected. */
    public Path locate(DatasetSpec spec) {
        Optional<Path> found = find(spec);
        if (found.isPresent()) {
            return found.get();
        }
        DatasetProvider p = get(spec.name());
        List<Path> dirs = candidates(spec);
        StringBuilder msg = new StringBuilder("dataset '" + spec.name() + "' not found. Looked in:");
        for (Path d : dirs) {
            msg.append("\n  ").append(d).append(Files.isDirectory(d) ? " (exists, but incomplete)" : " (missing)");
        }
        msg.append("\nExpected layout: ").append(p.expectedLayout(spec.name()));
        String hint = p.installHint(spec.name());
        if (hint != null) {
            msg.append("\nTo get it: ").append(hint);
        }
        msg.append("\nOr set dataset.root in the experiment file, or PRUNEBENCH_DATA.");
        throw new DatasetException(msg.toString());
    }

    /**
     * Locates, decodes and caps the dataset, then holds out {@code validation} training examples (the same ones for
     * every run and seed: drawn from a fixed stream, so that all runs of a grid are measured on one validation set).
     */
    public ImageData load(DatasetSpec spec) {
        Path dir = locate(spec);
        try {
            ImageData data = get(spec.name()).load(spec.name(), dir).capped(spec.maxTrain(), spec.maxTest());
            if (spec.validation() == null) {
                return data;
            }
            if (spec.validation() >= data.train().size()) {
                throw new DatasetException("dataset.validation: " + spec.validation() + " examples cannot be held "
                        + "out of a training split of " + data.train().size());
            }
            return data.holdOut(spec.validation(), prunebench.util.Seeds.derive(0, "validation"));
        } catch (IOException e) {
            throw new DatasetException("cannot read dataset '" + spec.name() + "' in " + dir + ": " + e.getMessage(), e);
        }
    }
}
