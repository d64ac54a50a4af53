package prunebench.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import prunebench.data.DatasetProvider;
import prunebench.model.ModelFactory;
import prunebench.prune.PruningStrategy;

/** The part of {@code --list} that says where each model, dataset and strategy comes from. */
final class ListOrigins {
    private ListOrigins() {}

    static void print(PrintStream out, Plugins plugins, List<ModelFactory> models, List<DatasetProvider> datasets,
            List<PruningStrategy> strategies) {
        // origin -> kind -> names; built-in origins first, plug-ins in the order given.
        Map<String, Map<String, List<String>>> byOrigin = new TreeMap<>((a, b) -> {
            boolean pa = a.startsWith("plugin ");
            boolean pb = b.startsWith("plugin ");
            return pa != pb ? (pa ? 1 : -1) : pa ? Integer.compare(index(plugins, a), index(plugins, b))
                    : a.compareTo(b);
        });
        models.forEach(m -> add(byOrigin, plugins.origin(m), "models", List.of(m.name())));
        datasets.forEach(d -> add(byOrigin, plugins.origin(d), "datasets", d.names()));
        strategies.forEach(s -> add(byOrigin, plugins.origin(s), "strategies", List.of(s.name())));
        out.println("from:");
        byOrigin.forEach((origin, kinds) -> {
            List<String> parts = new ArrayList<>();
            kinds.forEach((kind, names) -> parts.add(kind + " " + String.join(", ", names.stream().sorted()
                    .toList())));
            out.println("  " + origin + ": " + String.join("; ", parts));
        });
    }

    private static int index(Plugins plugins, String origin) {
        for (int i = 0; i < plugins.paths().size(); i++) {
            if (origin.equals("plugin " + plugins.paths().get(i))) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static void add(Map<String, Map<String, List<String>>> byOrigin, String origin, String kind,
            List<String> names) {
        byOrigin.computeIfAbsent(origin, k -> new LinkedHashMap<>()).computeIfAbsent(kind, k -> new ArrayList<>())
                .addAll(names);
    }
}
