package prunebench.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import prunebench.config.Settings;
import tech.tablesaw.api.Table;

/**
 * The accuracy of the unpruned model (compression 1), per experiment: the reference line of the figures. Every
 * strategy shares the same dense runs, so runs are averaged per seed first and each seed counts once however many
 * strategy labels it was recorded under.
 */
final class DenseControl {
    static final double DENSE = 1.0;

    private DenseControl() {}

    /**
     * experiment key ("" for a single experiment) -> mean metric over seeds; experiments without dense runs are absent,
     * and so are experiments whose dense runs differ in settings other than the strategy's own (e.g. two fine-tuning
     * learning rates): there is no single dense reference then, and pooling them would hide it.
     */
    static Map<String, Double> of(Table runs, String metric) {
        Map<String, Map<Long, List<Double>>> bySeed = new TreeMap<>();
        Map<String, Set<String>> settings = new HashMap<>();
        if (!runs.containsColumn(metric)) {
            return Map.of();
        }
        List<String> shared = runs.columnNames().stream()
                .filter(c -> RunsCsv.isSetting(c) && !c.startsWith(Settings.STRATEGY_PREFIX)).toList();
        for (int r = 0; r < runs.rowCount(); r++) {
            double v = runs.doubleColumn(metric).getDouble(r);
            Summary.GroupKey key = Summary.GroupKey.of(runs, r);
            if (!RunsCsv.isOk(runs, r) || key.compression() != DENSE || Double.isNaN(v)) {
                continue;
            }
            long seed = runs.longColumn(RunsCsv.SEED).isMissing(r) ? Long.MIN_VALUE : runs.longColumn(RunsCsv.SEED).getLong(r);
            bySeed.computeIfAbsent(key.experiment(), k -> new TreeMap<>()).computeIfAbsent(seed, k -> new ArrayList<>()).add(v);
            int row = r;
            settings.computeIfAbsent(key.experiment(), k -> new HashSet<>()).add(String.join("\u0000",
                    shared.stream().map(c -> String.valueOf(runs.column(c).getUnformattedString(row))).toList()));
        }
        Map<String, Double> dense = new TreeMap<>();
        bySeed.forEach((experiment, seeds) -> {
            if (settings.get(experiment).size() == 1) {
                dense.put(experiment, seeds.values().stream()
                        .mapToDouble(vs -> vs.stream().mapToDouble(Double::doubleValue).average().orElseThrow())
                        .average().orElseThrow());
            }
        });
        return dense;
    }
}
