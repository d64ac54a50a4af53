package prunebench.report;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.Table;

/**
 * report.md's "Failed runs" table: each failed run with the first line of its error; they are in no aggregate.
 */
final class FailedRunsSection {
    private static final int ERROR_CHARS = 160;

    private FailedRunsSection() {}

    static void append(StringBuilder md, ReportData data) {
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

    private static String firstLine(String error) {
        if (error == null) {
            return "";
        }
        String line = error.strip().lines().findFirst().orElse("");
        return line.length() > ERROR_CHARS ? line.substring(0, ERROR_CHARS) + "…" : line;
    }
}
