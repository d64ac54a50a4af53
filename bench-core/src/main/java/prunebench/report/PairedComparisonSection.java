package prunebench.report;

import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * report.md's paired comparisons: seed-by-seed differences of two strategies (paired t-test, {@link PairedComparison}).
 */
final class PairedComparisonSection {
    private PairedComparisonSection() {}

    /** One table per requested pair of strategies ({@code report.compare}), with its CSV linked. */
    static void append(StringBuilder md, ReportData data, Map<ReportSpec.Pair, Table> comparisons) {
        if (comparisons.isEmpty()) {
            return;
        }
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
}
