package prunebench.report;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

/**
 * report.md: what was run, the summary, figures as image links, comparisons, failures and the settings used; each
 * section is its own class, in the order written here.
 */
final class ReportMarkdown {
    private ReportMarkdown() {}

    static String render(ReportData data, String summaryMarkdown, Map<ReportSpec.Pair, Table> comparisons,
            Map<FigureKind, List<Path>> figures, Path outDir) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(data.title()).append("\n\n");
        BudgetBanner.append(md, data);
        RunOverview.append(md, data);

        md.append("## Summary\n\n").append(summaryMarkdown).append('\n');
        NotFineTunedNote.append(md, data);
        md.append("All strategies and every numeric column of runs.csv (mean, std, ci95): [")
                .append(Report.SUMMARY_CSV).append("](").append(Report.SUMMARY_CSV).append(").\n\n");

        PublishedSection.append(md, data);
        FigureSection.append(md, figures, outDir);
        PairedComparisonSection.append(md, data, comparisons);
        FailedRunsSection.append(md, data);
        SettingsSection.append(md, data);
        return md.toString();
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
}
