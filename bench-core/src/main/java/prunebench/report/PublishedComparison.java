package prunebench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import prunebench.report.References.Reference;
import prunebench.util.CsvFile;
import tech.tablesaw.api.Table;

/**
 * Our results next to published ones. Matching rules:
 * <ul>
 *   <li>model and dataset: the reference's equal the runs' ({@code model} and {@code dataset} of runs.csv; case,
 *       {@code _} and {@code -} aside); a reference for another model or dataset is listed as not run, with the
 *       reason. Results whose runs.csv has no such columns (written before they were added) are not filtered;</li>
 *   <li>strategy: the reference's {@code strategy} equals the run's label ({@code strategy} column of runs.csv;
 *       a paper file labels its strategies with the paper's names); labels are case-sensitive, and a reference
 *       that differs from a label only in case is listed as not run, naming the label;</li>
 *   <li>compression: the run's nominal compression (the grid value) is within {@value #TOLERANCE_PERCENT}% of the
 *       reference's, so rounded values such as 17.783 for 10^1.25 match; a paper's dense number is listed at
 *       compression 1 and matches the dense controls. The grid must count compression as the paper does
 *       ({@code pruning.compression_of});</li>
 *   <li>in a combined report each experiment is matched on its own.</li>
 * </ul>
 * Verdict: with d = ours - published in points, the combined 95% half-width is sqrt(h_ours^2 + h_pub^2), h_ours our
 * Student-t half-width over seeds (0 for one seed) and h_pub = t(0.975, n-1) * std / sqrt(n) from the published std
 * and n, or {@value #NO_SPREAD_POINTS} points when the paper gives no spread (no std, or n below 2: the rounding of a
 * printed number). One seed of ours has no interval of its own (h_ours = 0). When the combined half-width exceeds
 * {@code report.agreement_bound} (default 2 points) the interval says nothing (two seeds give t = 12.7): the verdict
 * is "inconclusive"; otherwise "yes" when |d| is within it, else "no". References no run matches are "not run".
 */
final class PublishedComparison {
    static final double TOLERANCE_PERCENT = 2;
    static final double NO_SPREAD_POINTS = 0.5;
    static final String FILE = "published-comparison.csv";
    static final String YES = "yes";
    static final String NO = "no";
    static final String INCONCLUSIVE = "inconclusive";
    static final String NOT_RUN = "not run";

    /**
     * One reference and what we measured there (ours NaN / n 0 when not run; {@code whyNotRun} then says why when
     * it is more than a point missing from the grid). {@code agrees} is null unless the verdict is yes or no.
     */
    record Row(String experiment, Reference reference, double oursMean, double oursHalf, int oursN, double difference,
            double tolerance, Boolean agrees, String verdict, String whyNotRun, double oursCompression) {
        Row(String experiment, Reference reference, double oursMean, double oursHalf, int oursN, double difference,
                double tolerance, Boolean agrees, String verdict, String whyNotRun) {
            this(experiment, reference, oursMean, oursHalf, oursN, difference, tolerance, agrees, verdict, whyNotRun,
                    Double.NaN);
        }

        /** The same row under the experiment's name (a single experiment is matched under the key ""). */
        Row named(String name) {
            return new Row(name, reference, oursMean, oursHalf, oursN, difference, tolerance, agrees, verdict,
                    whyNotRun, oursCompression);
        }

        /**
         * Whether the matched runs ended away from the compression they were matched at (a method whose count moves
         * while training, e.g. network surgery, can end elsewhere than its grid value): the table then says where.
         */
        boolean endedElsewhere() {
            return !Double.isNaN(oursCompression) && !matches(oursCompression, reference.compression());
        }
    }

    private PublishedComparison() {}

    static boolean matches(double ours, double published) {
        return Math.abs(Math.log(ours / published)) <= Math.log(1 + TOLERANCE_PERCENT / 100);
    }

    /**
     * Rows in reference order; {@code summary} is Summary.compute over {@code runs} (the shown runs; top1 as
     * fractions), whose model and dataset columns the references are matched on.
     */
    static List<Row> compare(List<Reference> references, Table summary, Table runs, List<String> experiments,
            double bound) {
        List<Row> rows = new ArrayList<>();
        boolean combined = summary.containsColumn(RunsCsv.EXPERIMENT);
        for (String experiment : experiments) {
            Set<String> models = values(runs, RunsCsv.MODEL, experiment, combined);
            Set<String> datasets = values(runs, RunsCsv.DATASET, experiment, combined);
            Set<String> labels = new TreeSet<>();
            for (int r = 0; r < summary.rowCount(); r++) {
                if (!combined || summary.stringColumn(RunsCsv.EXPERIMENT).get(r).equals(experiment)) {
                    labels.add(summary.stringColumn(RunsCsv.STRATEGY).get(r));
                }
            }
            for (Reference ref : references) {
                String why = mismatch(ref, models, datasets, labels);
                int match = -1;
                for (int r = 0; why == null && r < summary.rowCount(); r++) {
                    boolean sameExperiment = !combined || summary.stringColumn(RunsCsv.EXPERIMENT).get(r)
                            .equals(experiment);
                    if (sameExperiment && summary.stringColumn(RunsCsv.STRATEGY).get(r).equals(ref.strategy())
                            && matches(summary.doubleColumn(RunsCsv.COMPRESSION).getDouble(r), ref.compression())
                            && summary.intColumn(Summary.N).getInt(r) > 0) {
                        match = r;
                        break;
                    }
                }
                if (match < 0 && why == null) {
                    why = notInGrid(ref, summary, experiment, combined);
                }
                rows.add(match < 0 ? new Row(experiment, ref, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, null,
                        NOT_RUN, why) : row(experiment, ref, summary, match, bound));
            }
        }
        return rows;
    }

    /**
     * Why a reference of a label these runs have is not run: no run finished ok at its compression, or the grid
     * does not have that compression (then the ones it has are named).
     */
    private static String notInGrid(Reference ref, Table summary, String experiment, boolean combined) {
        Set<String> grid = new TreeSet<>(java.util.Comparator.comparingDouble(Double::parseDouble));
        for (int r = 0; r < summary.rowCount(); r++) {
            if ((!combined || summary.stringColumn(RunsCsv.EXPERIMENT).get(r).equals(experiment))
                    && summary.stringColumn(RunsCsv.STRATEGY).get(r).equals(ref.strategy())) {
                double c = summary.doubleColumn(RunsCsv.COMPRESSION).getDouble(r);
                if (matches(c, ref.compression())) {
                    return "no run of " + ref.strategy() + " at this compression finished ok";
                }
                grid.add(Numbers.compact(c));
            }
        }
        return "compression " + Numbers.compact(ref.compression()) + " is not in the grid (" + ref.strategy()
                + " ran at " + String.join(", ", grid) + ")";
    }

    /** Why {@code ref} cannot match these runs at all (another model, dataset, or a label's case), or null. */
    private static String mismatch(Reference ref, Set<String> models, Set<String> datasets, Set<String> labels) {
        if (models != null && !models.contains(normal(ref.model()))) {
            return "model " + ref.model() + ", the runs' is " + String.join(", ", models);
        }
        if (datasets != null && !datasets.contains(normal(ref.dataset()))) {
            return "dataset " + ref.dataset() + ", the runs' is " + String.join(", ", datasets);
        }
        if (!labels.contains(ref.strategy())) {
            for (String label : labels) {
                if (label.equalsIgnoreCase(ref.strategy())) {
                    return "strategy " + ref.strategy() + " differs from the label " + label + " only in case "
                            + "(labels are case-sensitive)";
                }
            }
            return "no run is labelled " + ref.strategy() + " (labels: " + String.join(", ", labels) + ")";
        }
        return null;
    }

    /** True when some run is of the reference's model and dataset (or runs.csv does not say): for the figures. */
    static boolean sameModelAndDataset(Reference ref, Table runs) {
        Set<String> models = values(runs, RunsCsv.MODEL, "", false);
        Set<String> datasets = values(runs, RunsCsv.DATASET, "", false);
        return (models == null || models.contains(normal(ref.model())))
                && (datasets == null || datasets.contains(normal(ref.dataset())));
    }

    /** The experiment's distinct values of {@code column}, normalised; null when runs.csv has no such column. */
    private static Set<String> values(Table runs, String column, String experiment, boolean combined) {
        if (!runs.containsColumn(column)) {
            return null;
        }
        Set<String> out = new TreeSet<>();
        for (int r = 0; r < runs.rowCount(); r++) {
            String v = runs.column(column).getString(r);
            if ((!combined || runs.stringColumn(RunsCsv.EXPERIMENT).get(r).equals(experiment)) && !v.isBlank()) {
                out.add(normal(v));
            }
        }
        return out.isEmpty() ? null : out;
    }

    private static String normal(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Row row(String experiment, Reference ref, Table summary, int r, double bound) {
        int n = summary.intColumn(Summary.N).getInt(r);
        double mean = 100 * summary.doubleColumn(RunsCsv.TOP1 + Summary.MEAN).getDouble(r);
        double ci = 100 * summary.doubleColumn(RunsCsv.TOP1 + Summary.CI95).getDouble(r);
        double oursHalf = Double.isNaN(ci) ? 0 : ci;
        double d = mean - ref.top1();
        double pubHalf = !Double.isNaN(ref.top1Std()) && ref.n() >= 2
                ? SampleStats.halfWidth95(ref.top1Std(), ref.n()) : NO_SPREAD_POINTS;
        double tolerance = Math.sqrt(oursHalf * oursHalf + pubHalf * pubHalf);
        String actual = RunsCsv.COMPRESSION_ACTUAL + Summary.MEAN;
        double compression = summary.containsColumn(actual) ? summary.doubleColumn(actual).getDouble(r) : Double.NaN;
        if (tolerance > bound + 1e-9) {
            return new Row(experiment, ref, mean, ci, n, d, tolerance, null, INCONCLUSIVE, null, compression);
        }
        boolean agrees = Math.abs(d) <= tolerance + 1e-9;
        return new Row(experiment, ref, mean, ci, n, d, tolerance, agrees, agrees ? YES : NO, null, compression);
    }

    /** The reasons some references could not match at all, one line each, for under the table. */
    static List<String> notes(List<Row> rows) {
        List<String> out = new ArrayList<>();
        for (Row row : rows) {
            if (row.whyNotRun() != null) {
                out.add(row.reference().where() + " (" + row.reference().strategy() + " at "
                        + Numbers.compact(row.reference().compression()) + "): not run: " + row.whyNotRun());
            }
        }
        return out;
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
            cells.add(Numbers.compact(ref.compression()) + (row.endedElsewhere() ? " (ours ended at "
                    + Numbers.fixed(row.oursCompression(), 1) + ")" : ""));
            cells.add(row.oursN() == 0 ? "not run" : Numbers.fixed(row.oursMean(), 2)
                    + (Double.isNaN(row.oursHalf()) ? "" : " ± " + Numbers.fixed(row.oursHalf(), 2))
                    + " (n=" + row.oursN() + ")");
            cells.add(Numbers.fixed(ref.top1(), 2) + (Double.isNaN(ref.top1Std()) ? "" : " ± "
                    + Numbers.fixed(ref.top1Std(), 2)) + (ref.n() > 0 ? " (n=" + ref.n() + ")" : ""));
            cells.add(row.oursN() == 0 ? "—" : String.format(Locale.ROOT, "%+.2f", row.difference()));
            cells.add(row.oursN() == 0 ? "—" : row.verdict() + " (±" + Numbers.fixed(row.tolerance(), 2) + ")");
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
                    row.difference(), row.tolerance(), row.agrees(), ref.source(), ref.model(), ref.dataset(),
                    row.verdict(), row.whyNotRun(), Double.isNaN(row.oursCompression()) ? null
                            : row.oursCompression()));
        }
        CsvFile.write(file, List.of("experiment", "paper", "strategy", "compression", "ours_top1_mean",
                "ours_top1_ci95", "ours_n", "published_top1", "published_top1_std", "published_n", "difference",
                "tolerance", "agrees", "source", "model", "dataset", "verdict", "not_run_reason",
                "ours_compression_actual"), cells);
    }
}
