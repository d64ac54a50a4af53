package prunebench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * report.md's "Settings" section: the configs the series stand for, what tells them apart, and the settings files.
 */
final class SettingsSection {
    private SettingsSection() {}

    static void append(StringBuilder md, ReportData data) {
        List<Experiment> withSettings = data.experiments().stream()
                .filter(e -> e.settings().isPresent() || e.runs().containsColumn(RunsCsv.CONFIG)).toList();
        if (withSettings.isEmpty()) {
            return;
        }
        md.append("## Settings\n\n");
        for (Experiment e : withSettings) {
            if (data.combined()) {
                md.append("### ").append(e.name()).append("\n\n");
            }
            configs(md, data, e);
            if (e.settings().isEmpty()) {
                continue;
            }
            String yaml = e.settings().orElseThrow();
            String fence = "```";
            while (yaml.contains(fence)) {
                fence += "`"; // a longer fence than any backtick run inside keeps the block intact
            }
            md.append(Experiment.SETTINGS_FILE).append(":\n\n").append(fence).append("yaml\n")
                    .append(yaml.stripTrailing()).append('\n').append(fence).append("\n\n");
        }
    }

    /**
     * Every config among the experiment's runs: the series it is shown as, its runs, the settings that tell it apart
     * (runs.csv's settings columns) and the invocations' settings files it came from.
     */
    private static void configs(StringBuilder md, ReportData data, Experiment e) {
        Table runs = data.runs();
        if (!runs.containsColumn(RunsCsv.CONFIG)) {
            return;
        }
        Map<String, List<String>> sources = new java.util.HashMap<>();
        e.settingsFiles().forEach((file, configs) -> configs.forEach(c ->
                sources.computeIfAbsent(c.config(), k -> new ArrayList<>()).add(file)));
        List<String> settingColumns = e.runs().columnNames().stream().filter(RunsCsv::isSetting).toList();
        // series + config -> rows, sorted by series
        Map<String, List<Integer>> groups = new java.util.TreeMap<>();
        for (int r = 0; r < runs.rowCount(); r++) {
            boolean mine = !data.combined() || e.name().equals(runs.stringColumn(RunsCsv.EXPERIMENT).get(r));
            if (mine) {
                String config = runs.stringColumn(RunsCsv.CONFIG).get(r);
                groups.computeIfAbsent(runs.stringColumn(RunsCsv.STRATEGY).get(r) + "\u0000"
                        + (config == null ? "" : config), k -> new ArrayList<>()).add(r);
            }
        }
        MarkdownTable table = new MarkdownTable().column("strategy", false).column("config", false)
                .column("runs", true);
        if (!settingColumns.isEmpty()) {
            table.column("settings that differ between runs", false);
        }
        table.column("from", false);
        for (List<Integer> rows : groups.values()) {
            int first = rows.get(0);
            String config = runs.stringColumn(RunsCsv.CONFIG).get(first);
            List<String> differing = new ArrayList<>();
            for (String column : settingColumns) {
                String v = runs.column(column).getUnformattedString(first);
                differing.add(column + "=" + (v == null || v.isEmpty() ? SeriesNames.UNSET : v));
            }
            List<String> cells = new ArrayList<>(List.of(runs.stringColumn(RunsCsv.STRATEGY).get(first),
                    config == null || config.isEmpty() ? "(" + SeriesNames.NOT_RECORDED + ")" : config,
                    Integer.toString(rows.size())));
            if (!settingColumns.isEmpty()) {
                cells.add(String.join(", ", differing));
            }
            cells.add(String.join(", ", sources.getOrDefault(config, List.of())));
            table.row(cells);
        }
        md.append("Runs are pooled over seeds only: each row below is a series of the tables and figures, one config "
                + "(every setting except seed, compression and label; each run's own settings are in "
                + "runs/<id>/experiment.yaml).\n\n").append(table.render()).append('\n');
    }
}
