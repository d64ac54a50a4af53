package prunebench.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What a report calls a series: the strategy label, or, when one label has runs of several configs (settings other
 * than seed and compression, runs.csv's {@code config} column), the label with the settings that differ between
 * those configs, {@code random (finetune.optimizer.lr=0.02)}. Runs of different configs are never pooled: every
 * table, figure and comparison of the report groups by this name, which the report's runs table carries in its
 * {@code strategy} column; the label as written stays in {@link #LABEL}.
 */
final class SeriesNames {
    /** The report-side column with the label as runs.csv has it. */
    static final String LABEL = "strategy_label";
    static final String UNSET = "unset";
    static final String NOT_RECORDED = "settings not recorded";

    private SeriesNames() {}

    /** A copy of {@code runs} whose strategy column holds series names, plus the {@link #LABEL} column. */
    static Table apply(Table runs) {
        Table out = runs.copy();
        StringColumn strategy = out.stringColumn(RunsCsv.STRATEGY);
        out.addColumns(strategy.copy().setName(LABEL));
        if (!out.containsColumn(RunsCsv.CONFIG)) {
            return out;
        }
        // experiment + label -> config -> rows
        Map<String, Map<String, List<Integer>>> groups = new LinkedHashMap<>();
        for (int r = 0; r < out.rowCount(); r++) {
            groups.computeIfAbsent(experiment(out, r) + "\u0000" + strategy.get(r), k -> new LinkedHashMap<>())
                    .computeIfAbsent(cell(out, RunsCsv.CONFIG, r), k -> new ArrayList<>()).add(r);
        }
        List<String> settings = out.columnNames().stream().filter(RunsCsv::isSetting).toList();
        for (Map<String, List<Integer>> byConfig : groups.values()) {
            if (byConfig.size() < 2) {
                continue;
            }
            List<String> differing = settings.stream().filter(column -> byConfig.values().stream()
                    .map(rows -> cell(out, column, rows.get(0))).distinct().count() > 1).toList();
            Set<String> used = new HashSet<>();
            for (Map.Entry<String, List<Integer>> e : byConfig.entrySet()) {
                int first = e.getValue().get(0);
                String label = strategy.get(first);
                List<String> parts = new ArrayList<>();
                for (String column : differing) {
                    String value = cell(out, column, first);
                    parts.add(column + "=" + (value.isEmpty() ? UNSET : value));
                }
                String name;
                if (e.getKey().isEmpty()) {
                    name = label + " (" + NOT_RECORDED + ")"; // runs.csv rows from before settings were recorded
                } else {
                    name = label + " (" + (parts.isEmpty() ? "config " + e.getKey() : String.join(", ", parts)) + ")";
                    if (!used.add(name)) {
                        name = label + " (" + String.join(", ", parts) + ", config " + e.getKey() + ")";
                    }
                }
                for (int r : e.getValue()) {
                    strategy.set(r, name);
                }
            }
        }
        return out;
    }

    private static String experiment(Table runs, int row) {
        return runs.containsColumn(RunsCsv.EXPERIMENT) ? cell(runs, RunsCsv.EXPERIMENT, row) : "";
    }

    private static String cell(Table runs, String column, int row) {
        String v = runs.column(column).getUnformattedString(row);
        return v == null ? "" : v;
    }
}
