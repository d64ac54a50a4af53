package prunebench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import prunebench.report.References.Reference;
import prunebench.util.CsvFile;
import tech.tablesaw.api.Table;

/**
 * Our results next to published ones. Matching rules:
 * <ul>
 *   <li>strategy: the reference's {@code strategy} equals the run's label ({@code strategy} column of runs.csv;
 *       a paper file labels its strategies with the paper's names);</li>
 *   <li>compression: the run's nominal compression (the grid value) is within {@value #TOLERANCE_PERCENT}% of the
 *       reference's, so rounded values such as 17.783 for 10^1.25 match; a paper's dense number is listed at
 *       compression 1 and matches the dense controls. The grid must count compression as the paper does
 *       ({@code pruning.compression_of});</li>
 *   <li>in a combined report each experiment is matched on its own.</li>
 * </ul>
 * Agreement: with d = ours - published in points, d is within the combined 95% interval
 * sqrt(h_ours^2 + h_pub^2), h_ours our Student-t half-width over seeds (0 for one seed) and
 * h_pub = t(0.975, n-1) * std / sqrt(n) from the published std and n; when the paper gives no spread (no std, or
 * n below 2) agreement means |d| <= {@value #NO_SPREAD_POINTS} points. References no run matches are listed as
 * not run.
 */
final class PublishedComparison {
    static final double TOLERANCE_PERCENT = 2;
    static final double NO_SPREAD_POINTS = 0.5;
    static final String FILE = "published-comparison.csv";

    /** One reference and what we measured there (ours NaN / n 0 when not run). */
    record Row(String experiment, Reference reference, double oursMean, double oursHalf, int oursN, double difference,
            double tolerance, Boolean agrees) {}

    private PublishedComparison() {}

    static boolean matches(double ours, double published) {
        return Math.abs(Math.log(ours / published)) <= Math.log(1 + TOLERANCE_PERCENT / 100);
    }

    /** Rows in reference order; {@code summary} is Summary.compute over the shown runs (top1 as fractions). */
    static List<Row> compare(List<Reference> references, Table summary, List<String> experiments) {
        List<Row> rows = new ArrayList<>();
        boolean combined = summary.containsColumn(RunsCsv.EXPERIMENT);
        for (String experiment : experiments) {
            for (Reference ref : references) {
                int match = -1;
                for (int r = 0; r < summary.rowCount(); r++) {
                    boolean sameExperiment = !combined || summary.stringColumn(RunsCsv.EXPERIMENT).get(r)
                            .equals(experiment);
                    if (sameExperiment && summary.stringColumn(RunsCsv.STRATEGY).get(r).equals(ref.strategy())
                            && matches(summary.doubleColumn(RunsCsv.COMPRESSION).getDouble(r), ref.compression())
                            && summary.intColumn(Summary.N).getInt(r) > 0) {
                        match = r;
                        break;
                    }
                }
                rows.add(match < 0 ? new Row(experiment, ref, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, null)
                        : row(experiment, ref, summary, match));
            }
        }
        return rows;
    }

    private static Row row(String experiment, Reference ref, Table summary, int r) {
        int n = summary.intColumn(Summary.N).getInt(r);
        double mean = 100 * summary.doubleColumn(RunsCsv.TOP1 + Summary.MEAN).getDouble(r);
        double ci = 100 * summary.doubleColumn(RunsCsv.TOP1 + Summary.CI95).getDouble(r);
        double oursHalf = Double.isNaN(ci) ? 0 : ci;
        double d = mean - ref.top1();
        double tolerance;
        if (!Double.isNaN(ref.top1Std()) && ref.n() >= 2) {
            double pubHalf = SampleStats.halfWidth95(ref.top1Std(), ref.n());
            tolerance = Math.sqrt(oursHalf * oursHalf + pubHalf * pubHalf);
        } else {
            tolerance = NO_SPREAD_POINTS;
        }
        return new Row(experiment, ref, mean, ci, n, d, tolerance, Math.abs(d) <= tolerance + 1e-9);
    }

    static String toMarkdown(List<Row> rows, boolean combined) {
        MarkdownTable table = new MarkdownTable();
        if (combined) {
            table.column("experiment", false);
        }
        table.column("strategy", false).column("compression", true).column("ours (mean ± CI, n)", true)
                .column("published (mean ± std, n)", true).column("difference", true).column("agrees?", false);
        for (Row row : rows) {
            Reference ref = row.reference();
            List<String> cells = new ArrayList<>();
            if (combined) {
                cells.add(row.experiment());
            }
            cells.add(ref.strategy());
            cells.add(Numbers.compact(ref.compression()));
            cells.add(row.oursN() == 0 ? "not run" : Numbers.fixed(row.oursMean(), 2)
                    + (Double.isNaN(row.oursHalf()) ? "" : " ± " + Numbers.fixed(row.oursHalf(), 2))
                    + " (n=" + row.oursN() + ")");
            cells.add(Numbers.fixed(ref.top1(), 2) + (Double.isNaN(ref.top1Std()) ? "" : " ± "
                    + Numbers.fixed(ref.top1Std(), 2)) + (ref.n() > 0 ? " (n=" + ref.n() + ")" : ""));
            cells.add(row.oursN() == 0 ? "—" : String.format(Locale.ROOT, "%+.2f", row.difference()));
            cells.add(row.agrees() == null ? "—" : (row.agrees() ? "yes" : "no") + " (±"
                    + Numbers.fixed(row.tolerance(), 2) + ")");
            table.row(cells);
        }
        return table.render();
    }

    static void writeCsv(List<Row> rows, Path file) throws IOException {
        List<List<Object>> cells = new ArrayList<>();
        for (Row row : rows) {
            Reference ref = row.reference();
            cells.add(Arrays.asList(row.experiment(), ref.paper(), ref.strategy(), ref.compression(), row.oursMean(),
                    row.oursHalf(), row.oursN(), ref.top1(), ref.top1Std(), ref.n() > 0 ? ref.n() : null,
                    row.difference(), row.tolerance(), row.agrees(), ref.source()));
        }
        CsvFile.write(file, List.of("experiment", "paper", "strategy", "compression", "ours_top1_mean",
                "ours_top1_ci95", "ours_n", "published_top1", "published_top1_std", "published_n", "difference",
                "tolerance", "agrees", "source"), cells);
    }
}
