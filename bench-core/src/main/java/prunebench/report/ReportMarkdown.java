package prunebench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

/** report.md: what was run, the summary, figures as image links, comparisons, failures and the settings used. */
final class ReportMarkdown {
    private static final int ERROR_CHARS = 160;

    private ReportMarkdown() {}

    static String render(ReportData data, String summaryMarkdown, Map<ReportSpec.Pair, Table> comparisons,
            Map<FigureKind, List<Path>> figures, Path outDir) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(data.title()).append("\n\n");
        budgetBanner(md, data);
        overview(md, data);

        md.append("## Summary\n\n").append(summaryMarkdown).append('\n');
        notFineTuned(md, data);
        md.append("All strategies and every numeric column of runs.csv (mean, std, ci95): [")
                .append(Report.SUMMARY_CSV).append("](").append(Report.SUMMARY_CSV).append(").\n\n");

        published(md, data);

        if (!figures.isEmpty()) {
            md.append("## Figures\n\n");
            md.append("Points are means over seeds, error bars ± one standard deviation; the dashed line is the dense "
                    + "model (compression 1).\n\n");
            figures.forEach((kind, files) -> figure(md, kind, files, outDir));
        }

        if (!comparisons.isEmpty()) {
            md.append("## Paired comparisons\n\n");
            md.append("Differences a − b of ").append(data.spec().metric()).append(" over the seeds both strategies ran, "
                    + "in percentage points for accuracies; 95% CI and two-sided p-value of the paired t-test.\n\n");
            comparisons.forEach((pair, table) -> {
                String file = PairedComparison.fileName(pair.a(), pair.b());
                md.append("### ").append(pair.a()).append(" vs ").append(pair.b()).append("\n\n");
                md.append(table.rowCount() == 0 ? "_No compression at which both have successful runs._\n"
                        : PairedComparison.toMarkdown(table));
                md.append("\n[").append(file).append("](").append(file).append(")\n\n");
            });
        }

        failures(md, data);
        settings(md, data);
        return md.toString();
    }

    /** A warning above everything when any run trained a scaled protocol ({@code --budget}). */
    static void budgetBanner(StringBuilder md, ReportData data) {
        double budget = minBudget(data.runs());
        if (budget < 1) {
            // all its digits: 0.00625 is not 0.006
            String factor = java.math.BigDecimal.valueOf(budget).stripTrailingZeros().toPlainString();
            md.append("> **Scaled protocol (budget ").append(factor).append(")**: every epoch count "
                    + "was multiplied by ").append(factor).append(" (`--budget`). These numbers "
                    + "are a smoke test of the protocol, not a reproduction; do not compare them with published "
                    + "results.\n\n");
        }
    }

    /** The smallest {@code budget} of the runs; 1 when the column is absent (runs from before --budget). */
    static double minBudget(Table runs) {
        if (!runs.containsColumn(RunsCsv.BUDGET)) {
            return 1;
        }
        double min = 1;
        var column = runs.doubleColumn(RunsCsv.BUDGET);
        for (int r = 0; r < runs.rowCount(); r++) {
            double b = column.getDouble(r);
            if (!Double.isNaN(b)) {
                min = Math.min(min, b);
            }
        }
        return min;
    }

    /** Our top-1 next to the published numbers of {@code report.references} (PublishedComparison). */
    private static void published(StringBuilder md, ReportData data) {
        if (data.references().isEmpty()) {
            return;
        }
        List<PublishedComparison.Row> rows = PublishedComparison.compare(data.references(),
                Summary.compute(data.shownRuns()), data.shownRuns(), data.experimentKeys(),
                data.spec().agreementBound());
        md.append("## Published results\n\n");
        if (minBudget(data.runs()) < 1) {
            md.append("_Scaled protocol: the comparison only checks the plumbing._\n\n");
        }
        md.append("Top-1 in percent. Ours: mean over seeds ± 95% CI half-width (Student t); published: mean ± std "
                + "as given. A reference matches the runs whose label is its strategy and whose compression is "
                + "within " + Numbers.compact(PublishedComparison.TOLERANCE_PERCENT) + "% of its compression, "
                + "for the runs' model and dataset (where the runs ended elsewhere, their mean compression_actual "
                + "is shown beside it). "
                + "Agrees: the difference is within the combined 95% interval (shown after ±; a paper that gives no "
                + "spread counts ±" + Numbers.compact(PublishedComparison.NO_SPREAD_POINTS) + " points); "
                + "inconclusive when that interval is wider than ±"
                + Numbers.compact(data.spec().agreementBound()) + " points (report.agreement_bound). "
                + "All metrics are the final epoch's.\n\n");
        md.append(PublishedComparison.toMarkdown(rows, data.combined())).append('\n');
        List<String> notes = PublishedComparison.notes(rows);
        for (String note : notes) {
            md.append("- ").append(note).append('\n');
        }
        if (!notes.isEmpty()) {
            md.append('\n');
        }
        md.append("Sources and the same table as CSV: [").append(PublishedComparison.FILE).append("](")
                .append(PublishedComparison.FILE).append(").\n\n");
    }

    /** Summary rows in the report's order: experiments as given, strategies as listed in the spec, then compression. */
    static Table inShownOrder(Table summary, ReportData data) {
        List<String> experiments = data.experimentKeys();
        List<String> strategies = data.shownStrategies();
        boolean combined = summary.containsColumn(RunsCsv.EXPERIMENT);
        Comparator<Row> order = Comparator
                .comparingInt((Row r) -> combined ? experiments.indexOf(r.getString(RunsCsv.EXPERIMENT)) : 0)
                .thenComparingInt(r -> strategies.indexOf(r.getString(RunsCsv.STRATEGY)))
                .thenComparingDouble(r -> r.getDouble(RunsCsv.COMPRESSION));
        return summary.sortOn(order);
    }

    private static void overview(StringBuilder md, ReportData data) {
        for (Experiment e : data.experiments()) {
            Table runs = e.runs();
            long ok = 0;
            for (int r = 0; r < runs.rowCount(); r++) {
                ok += RunsCsv.isOk(runs, r) ? 1 : 0;
            }
            md.append(data.combined() ? "- **" + e.name() + "**: " : "");
            List<String> what = new ArrayList<>();
            distinct(runs, RunsCsv.MODEL).ifPresent(m -> what.add("model " + m));
            distinct(runs, RunsCsv.DATASET).ifPresent(d -> what.add("dataset " + d));
            if (!what.isEmpty()) {
                md.append(String.join(", ", what)).append("; ");
            }
            md.append(runs.rowCount()).append(" runs, ").append(ok).append(" successful, ")
                    .append(runs.rowCount() - ok).append(" failed; seeds ")
                    .append(distinct(runs, RunsCsv.SEED).orElse("none")).append(".\n");
        }
        md.append('\n');
    }

    /** Distinct values of a column, comma separated, or empty when the column is absent or blank. */
    private static Optional<String> distinct(Table runs, String column) {
        if (!runs.containsColumn(column)) {
            return Optional.empty();
        }
        TreeSet<String> values = new TreeSet<>(Comparator.comparing((String s) -> s.length()).thenComparing(s -> s));
        for (int r = 0; r < runs.rowCount(); r++) {
            String v = runs.column(column).getUnformattedString(r);
            if (v != null && !v.isBlank()) {
                values.add(v);
            }
        }
        return values.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", values));
    }

    private static void figure(StringBuilder md, FigureKind kind, List<Path> files, Path outDir) {
        md.append("### ").append(heading(kind)).append("\n\n");
        if (files.isEmpty()) {
            md.append("_Nothing to draw: ").append(kind == FigureKind.DENSITY_PROFILE ? "no layers.csv for the selected runs"
                    : kind == FigureKind.TRAINING_CURVES ? "no epochs.csv for the selected runs"
                    : "no successful pruned runs with this metric").append("._\n\n");
            return;
        }
        String first = link(outDir, files.get(0));
        md.append("![").append(kind.key()).append("](").append(first).append(")\n");
        if (files.size() > 1) {
            md.append("\nAlso as ");
            List<String> others = files.subList(1, files.size()).stream()
                    .map(f -> "[" + extension(f) + "](" + link(outDir, f) + ")").toList();
            md.append(String.join(", ", others)).append(".\n");
        }
        md.append('\n');
    }

    static String heading(FigureKind kind) {
        return switch (kind) {
            case ACCURACY_VS_COMPRESSION -> "Accuracy vs compression";
            case ACCURACY_VS_SPEEDUP -> "Accuracy vs theoretical speedup";
            case ACCURACY_VS_MEASURED_SPEEDUP -> "Accuracy vs measured speedup";
            case ACCURACY_VS_TRAIN_FLOPS -> "Accuracy vs training cost";
            case DELTA_TOP1_VS_COMPRESSION -> "Change in top-1 accuracy vs compression";
            case TOP5_VS_COMPRESSION -> "Top-5 accuracy vs compression";
            case TOP5_VS_SPEEDUP -> "Top-5 accuracy vs theoretical speedup";
            case DENSITY_PROFILE -> "Per-layer density";
            case TRAINING_CURVES -> "Training curves";
        };
    }

    /**
     * Names the strategies whose pruned runs took a trained network and trained 0 epochs after pruning, so that
     * nobody reads their accuracies as fine-tuned results (runs.csv: timing pretrained, epochs_trained 0).
     */
    private static void notFineTuned(StringBuilder md, ReportData data) {
        Table runs = data.runs();
        if (!runs.containsColumn(RunsCsv.TIMING) || !runs.containsColumn(RunsCsv.EPOCHS_TRAINED)
                || !(runs.column(RunsCsv.EPOCHS_TRAINED) instanceof NumericColumn<?> epochs)) {
            return;
        }
        java.util.Set<String> labels = new java.util.LinkedHashSet<>();
        for (int r = 0; r < runs.rowCount(); r++) {
            if (RunsCsv.isOk(runs, r) && "pretrained".equals(runs.column(RunsCsv.TIMING).getUnformattedString(r))
                    && runs.doubleColumn(RunsCsv.COMPRESSION).getDouble(r) > 1 && !epochs.isMissing(r)
                    && epochs.getDouble(r) == 0) {
                labels.add("`" + runs.stringColumn(RunsCsv.STRATEGY).get(r) + "`");
            }
        }
        if (!labels.isEmpty()) {
            md.append("**No fine-tuning**: ").append(String.join(", ", labels)).append(labels.size() == 1 ? " prunes"
                    : " prune").append(" a trained network and is measured with 0 epochs of training after pruning: "
                    + "not a fine-tuned result (give the experiment a `finetune:` block, or `at: init`).\n\n");
        }
    }

    private static void failures(StringBuilder md, ReportData data) {
        Table runs = data.runs();
        MarkdownTable table = new MarkdownTable();
        if (data.combined()) {
            table.column("experiment", false);
        }
        table.column("run", false).column("strategy", false).column("compression", true).column("seed", true)
                .column("error", false);
        for (int r = 0; r < runs.rowCount(); r++) {
            if (RunsCsv.isOk(runs, r)) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            if (data.combined()) {
                cells.add(runs.stringColumn(RunsCsv.EXPERIMENT).get(r));
            }
            cells.add(runs.stringColumn(RunsCsv.RUN_ID).get(r));
            cells.add(runs.stringColumn(RunsCsv.STRATEGY).get(r));
            cells.add(Numbers.compact(runs.doubleColumn(RunsCsv.COMPRESSION).getDouble(r)));
            cells.add(runs.column(RunsCsv.SEED).getUnformattedString(r));
            cells.add(firstLine(runs.containsColumn(RunsCsv.ERROR) ? runs.stringColumn(RunsCsv.ERROR).get(r) : ""));
            table.row(cells);
        }
        if (table.rowCount() > 0) {
            md.append("## Failed runs\n\n").append("Excluded from every aggregate above.\n\n").append(table.render()).append('\n');
        }
    }

    private static void settings(StringBuilder md, ReportData data) {
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

    private static String firstLine(String error) {
        if (error == null) {
            return "";
        }
        String line = error.strip().lines().findFirst().orElse("");
        return line.length() > ERROR_CHARS ? line.substring(0, ERROR_CHARS) + "…" : line;
    }

    /** A relative link with forward slashes, so report.md renders the same on every platform. */
    private static String link(Path outDir, Path file) {
        return outDir.relativize(file).toString().replace('\\', '/');
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        return name.substring(name.lastIndexOf('.') + 1).toUpperCase(java.util.Locale.ROOT);
    }
}
