package prunebench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import prunebench.config.ConfigException;
import prunebench.util.Names;
import tech.tablesaw.api.Table;

/** Resolves a {@link ReportSpec.RunSelection} (density profile, training curves) to concrete runs. */
final class RunSelector {
    private RunSelector() {}

    record SelectedRun(String experiment, String strategy, String runId, long seed, double compression, Path dir) {}

    /**
     * Explicit run ids are taken as they are (failed runs included: their curves show how they failed). Otherwise the
     * successful runs of the chosen strategies at the chosen compression, by default the highest one, in legend order;
     * with {@code onePerStrategy} only the lowest seed of each.
     */
    static List<SelectedRun> select(ReportData data, ReportSpec.RunSelection selection, String key, boolean onePerStrategy) {
        Table runs = data.runs();
        if (!selection.runs().isEmpty()) {
            return explicit(data, selection.runs(), key + ".runs");
        }
        List<String> strategies = selection.strategies().isEmpty() ? data.shownStrategies()
                : ReportData.series(runs, selection.strategies(), key + ".strategies");
        List<Integer> candidates = new ArrayList<>();
        for (int r = 0; r < runs.rowCount(); r++) {
            if (RunsCsv.isOk(runs, r) && strategies.contains(runs.stringColumn(RunsCsv.STRATEGY).get(r))) {
                candidates.add(r);
            }
        }
        Set<Double> compressions = candidates.stream()
                .map(r -> runs.doubleColumn(RunsCsv.COMPRESSION).getDouble(r))
                .collect(Collectors.toCollection(TreeSet::new));
        Double compression = selection.compression();
        if (compression == null) {
            compression = compressions.stream().filter(c -> c > DenseControl.DENSE).max(Double::compare).orElse(null);
            if (compression == null) {
                return List.of(); // only dense runs: nothing pruned to show
            }
        } else if (!compressions.contains(compression)) {
            throw new ConfigException(key + ".compression: no successful run at compression " + Numbers.compact(compression)
                    + "; compressions with results: " + compressions.stream().map(Numbers::compact).toList());
        }
        double c = compression;
        List<SelectedRun> selected = new ArrayList<>();
        for (int r : candidates) {
            if (runs.doubleColumn(RunsCsv.COMPRESSION).getDouble(r) == c) {
                selected.add(toRun(data, runs, r));
            }
        }
        List<String> experiments = data.experimentKeys();
        selected.sort(Comparator.comparingInt((SelectedRun s) -> experiments.indexOf(s.experiment()))
                .thenComparingInt(s -> strategies.indexOf(s.strategy()))
                .thenComparingLong(SelectedRun::seed)
                .thenComparing(SelectedRun::runId));
        if (onePerStrategy) {
            Set<String> seen = new HashSet<>();
            selected.removeIf(s -> !seen.add(s.experiment() + "\u0000" + s.strategy()));
        }
        return selected;
    }

    private static List<SelectedRun> explicit(ReportData data, List<String> ids, String key) {
        Table runs = data.runs();
        List<String> known = runs.stringColumn(RunsCsv.RUN_ID).asList();
        List<SelectedRun> selected = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            int row = known.indexOf(ids.get(i));
            if (row < 0) {
                String closest = Names.closest(ids.get(i), new TreeSet<>(known));
                throw new ConfigException(key + "[" + i + "]: no run '" + ids.get(i) + "' in runs.csv"
                        + (closest != null ? " (did you mean '" + closest + "'?)" : ""));
            }
            selected.add(toRun(data, runs, row));
        }
        return selected;
    }

    private static SelectedRun toRun(ReportData data, Table runs, int r) {
        Summary.GroupKey key = Summary.GroupKey.of(runs, r);
        String id = runs.stringColumn(RunsCsv.RUN_ID).get(r);
        long seed = runs.longColumn(RunsCsv.SEED).isMissing(r) ? 0 : runs.longColumn(RunsCsv.SEED).getLong(r);
        return new SelectedRun(key.experiment(), key.strategy(), id, seed, key.compression(),
                data.experiment(key.experiment()).runDir(id));
    }
}
