package prunebench.report;

import tech.tablesaw.api.Table;

/**
 * report.md's warning above everything when any run trained a scaled protocol ({@code --budget}): such numbers are a
 * smoke test, and the other sections say so too ({@link #minBudget}).
 */
final class BudgetBanner {
    private BudgetBanner() {}

    /** A warning above everything when any run trained a scaled protocol ({@code --budget}). */
    static void append(StringBuilder md, ReportData data) {
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
}
