package prunebench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import tech.tablesaw.api.Table;

/**
 * report.md's first lines: per experiment its model, dataset, how many runs succeeded and failed, and the seeds.
 */
final class RunOverview {
    private RunOverview() {}

    static void append(StringBuilder md, ReportData data) {
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
}
