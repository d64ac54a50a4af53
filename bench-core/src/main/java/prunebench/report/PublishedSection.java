package prunebench.report;

import java.util.List;

/**
 * report.md's "Published results" section: our top-1 beside the numbers of {@code report.references}, with the
 * verdicts of {@link PublishedComparison} and how they are reached.
 */
final class PublishedSection {
    private PublishedSection() {}

    /** Our top-1 next to the published numbers of {@code report.references} (PublishedComparison). */
    static void append(StringBuilder md, ReportData data) {
        if (data.references().isEmpty()) {
            return;
        }
        List<PublishedComparison.Row> rows = PublishedComparison.compare(data.references(),
                Summary.compute(data.shownRuns()), data.shownRuns(), data.experimentKeys(),
                data.spec().agreementBound());
        md.append("## Published results\n\n");
        if (BudgetBanner.minBudget(data.runs()) < 1) {
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
}
