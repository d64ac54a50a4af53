package prunebench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.Table;

/** The readable view of a summary table: core metrics only (summary.csv has them all), one cell per metric. */
final class SummaryMarkdown {
    private static final Map<String, String> HEADERS = Map.of(
            RunsCsv.TOP1, "top-1 (%)",
            RunsCsv.TOP5, "top-5 (%)",
            RunsCsv.TOP1_PRE, "top-1 before fine-tuning (%)",
            RunsCsv.COMPRESSION_ACTUAL, "compression (actual)",
            RunsCsv.SPEEDUP_THEORETICAL, "speedup (theoretical)",
            RunsCsv.SPEEDUP_MEASURED, "speedup (measured)",
            RunsCsv.VAL_TOP1, "validation top-1 (%)");
    static final String NOTE = "Cells are mean ± 95% confidence half-width over seeds (Student t); "
            + "n counts successful runs.";

    private SummaryMarkdown() {}

    static String render(Table summary) {
        boolean combined = summary.containsColumn(RunsCsv.EXPERIMENT);
        List<String> metrics = new ArrayList<>(Summary.CORE_METRICS.stream()
                .filter(m -> summary.containsColumn(m + Summary.MEAN))
                .toList());
        if (hasValues(summary, RunsCsv.VAL_TOP1 + Summary.MEAN)) {
            metrics.add(metrics.indexOf(RunsCsv.TOP1) + 1, RunsCsv.VAL_TOP1); // beside the test top-1
        }
        MarkdownTable md = new MarkdownTable();
        if (combined) {
            md.column("experiment", false);
        }
        md.column("strategy", false).column("compression", true).column("n", true).column("failed", true);
        metrics.forEach(m -> md.column(HEADERS.get(m), true));
        for (int r = 0; r < summary.rowCount(); r++) {
            List<String> cells = new ArrayList<>();
            if (combined) {
                cells.add(summary.stringColumn(RunsCsv.EXPERIMENT).get(r));
            }
            cells.add(summary.stringColumn(RunsCsv.STRATEGY).get(r));
            cells.add(Numbers.compact(summary.doubleColumn(RunsCsv.COMPRESSION).getDouble(r)));
            cells.add(Integer.toString(summary.intColumn(Summary.N).getInt(r)));
            cells.add(Integer.toString(summary.intColumn(Summary.N_FAILED).getInt(r)));
            for (String m : metrics) {
                boolean accuracy = m.startsWith("top") || m.equals(RunsCsv.VAL_TOP1);
                cells.add(Numbers.meanPlusMinus(summary.doubleColumn(m + Summary.MEAN).getDouble(r),
                        summary.doubleColumn(m + Summary.CI95).getDouble(r), accuracy ? 100 : 1, 2));
            }
            md.row(cells);
        }
        return md.render() + "\n" + NOTE + "\n";
    }

    /** Whether a column exists and holds a number (held-out validation is optional). */
    private static boolean hasValues(Table summary, String column) {
        if (!summary.containsColumn(column)) {
            return false;
        }
        for (int r = 0; r < summary.rowCount(); r++) {
            if (!Double.isNaN(summary.doubleColumn(column).getDouble(r))) {
                return true;
            }
        }
        return false;
    }
}
