package prunebench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import prunebench.config.ConfigException;
import prunebench.util.CsvFile;
import prunebench.util.Names;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Strategy a against strategy b at each compression, paired by seed: both strategies start from the same dense
 * model per seed, so per-seed differences remove the seed-to-seed variance that dominates small benchmarks.
 * Reports the mean difference (a - b), its 95% CI and the two-sided paired t-test p-value.
 */
public final class PairedComparison {
    static final List<String> COLUMNS = List.of("a", "b", "metric", "compression", "n_pairs", "mean_a", "mean_b",
            "diff_mean", "diff_std", "diff_ci95_low", "diff_ci95_high", "t", "df", "p_value");

    private PairedComparison() {}

    /** Compares {@code metric} (e.g. top1) of strategies a and b; compressions where either has no run are omitted. */
    public static Table compare(Table runs, String a, String b, String metric) {
        Set<String> strategies = ReportData.strategies(runs);
        for (String s : List.of(a, b)) {
            if (!strategies.contains(s)) {
                throw new ConfigException(Names.unknown("strategy", s, strategies));
            }
        }
        if (!runs.containsColumn(metric) || !(runs.column(metric) instanceof DoubleColumn)) {
            throw new ConfigException(Names.unknown("metric", metric, RunsCsv.metricColumns(runs)));
        }
        for (String s : List.of(a, b)) {
            checkOneConfig(runs, s);
        }
        Map<String, Map<Double, Map<Long, Double>>> seedMeansA = seedMeans(runs, a, metric);
        Map<String, Map<Double, Map<Long, Double>>> seedMeansB = seedMeans(runs, b, metric);

        Table out = emptyTable(runs.containsColumn(RunsCsv.EXPERIMENT));
        for (var byExperiment : seedMeansA.entrySet()) {
            Map<Double, Map<Long, Double>> other = seedMeansB.getOrDefault(byExperiment.getKey(), Map.of());
            for (var byCompression : byExperiment.getValue().entrySet()) {
                Map<Long, Double> valuesB = other.get(byCompression.getKey());
                if (valuesB == null) {
                    continue;
                }
                appendRow(out, byExperiment.getKey(), a, b, metric, byCompression.getKey(), byCompression.getValue(),
                        valuesB);
            }
        }
        return out;
    }

    private static void appendRow(Table out, String experiment, String a, String b, String metric, double compression,
            Map<Long, Double> valuesA, Map<Long, Double> valuesB) {
        List<Long> shared = valuesA.keySet().stream().filter(valuesB::containsKey).sorted().toList();
        double[] xa = shared.stream().mapToDouble(valuesA::get).toArray();
        double[] xb = shared.stream().mapToDouble(valuesB::get).toArray();
        double[] d = new double[xa.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = xa[i] - xb[i];
        }
        SampleStats diff = SampleStats.of(d);
        int n = diff.n();
        double t = Double.NaN;
        double p = Double.NaN;
        if (n >= 2 && diff.std() > 0) {
            t = diff.mean() / (diff.std() / Math.sqrt(n));
            p = StudentT.twoSidedP(t, n - 1);
        } else if (n >= 2 && diff.mean() != 0) {
            // Identical non-zero differences on every seed: the statistic is infinite, the evidence conclusive.
            t = Math.copySign(Double.POSITIVE_INFINITY, diff.mean());
            p = 0;
        } // n < 2, or a and b equal on every seed (e.g. the shared dense control): no test, empty cells.

        if (out.containsColumn(RunsCsv.EXPERIMENT)) {
            out.stringColumn(RunsCsv.EXPERIMENT).append(experiment);
        }
        out.stringColumn("a").append(a);
        out.stringColumn("b").append(b);
        out.stringColumn("metric").append(metric);
        out.doubleColumn("compression").append(compression);
        out.intColumn("n_pairs").append(n);
        out.doubleColumn("mean_a").append(SampleStats.of(xa).mean());
        out.doubleColumn("mean_b").append(SampleStats.of(xb).mean());
        out.doubleColumn("diff_mean").append(diff.mean());
        out.doubleColumn("diff_std").append(diff.std());
        out.doubleColumn("diff_ci95_low").append(diff.mean() - diff.ci95());
        out.doubleColumn("diff_ci95_high").append(diff.mean() + diff.ci95());
        out.doubleColumn("t").append(t);
        if (n >= 2) {
            out.intColumn("df").append(n - 1);
        } else {
            out.intColumn("df").appendMissing();
        }
        out.doubleColumn("p_value").append(p);
    }

    /** Averaging a seed's runs of different settings would pool them; the report names such series apart. */
    private static void checkOneConfig(Table runs, String strategy) {
        if (!runs.containsColumn(RunsCsv.CONFIG)) {
            return;
        }
        Map<String, Set<String>> configs = new TreeMap<>();
        for (int r = 0; r < runs.rowCount(); r++) {
            if (strategy.equals(runs.stringColumn(RunsCsv.STRATEGY).get(r))) {
                Summary.GroupKey key = Summary.GroupKey.of(runs, r);
                configs.computeIfAbsent(key.experiment(), k -> new java.util.TreeSet<>()).add(key.config());
            }
        }
        configs.forEach((experiment, set) -> {
            if (set.size() > 1) {
                throw new ConfigException("strategy '" + strategy + "' has runs of " + set.size() + " configs " + set
                        + (experiment.isEmpty() ? "" : " in " + experiment) + "; compare one config at a time");
            }
        });
    }

    /** experiment -> compression -> seed -> metric (averaged if a seed was run twice), successful runs only. */
    private static Map<String, Map<Double, Map<Long, Double>>> seedMeans(Table runs, String strategy, String metric) {
        Map<String, Map<Double, Map<Long, List<Double>>>> values = new TreeMap<>();
        for (int r = 0; r < runs.rowCount(); r++) {
            double v = runs.doubleColumn(metric).getDouble(r);
            if (!RunsCsv.isOk(runs, r) || !strategy.equals(runs.stringColumn(RunsCsv.STRATEGY).get(r)) || Double.isNaN(v)
                    || runs.longColumn(RunsCsv.SEED).isMissing(r)) {
                continue;
            }
            Summary.GroupKey key = Summary.GroupKey.of(runs, r);
            values.computeIfAbsent(key.experiment(), k -> new TreeMap<>())
                    .computeIfAbsent(key.compression(), k -> new TreeMap<>())
                    .computeIfAbsent(runs.longColumn(RunsCsv.SEED).getLong(r), k -> new ArrayList<>())
                    .add(v);
        }
        Map<String, Map<Double, Map<Long, Double>>> means = new TreeMap<>();
        values.forEach((e, byC) -> byC.forEach((c, bySeed) -> bySeed.forEach((seed, vs) -> means
                .computeIfAbsent(e, k -> new TreeMap<>())
                .computeIfAbsent(c, k -> new TreeMap<>())
                .put(seed, vs.stream().mapToDouble(Double::doubleValue).average().orElseThrow()))));
        return means;
    }

    private static Table emptyTable(boolean combined) {
        List<Column<?>> columns = new ArrayList<>();
        if (combined) {
            columns.add(StringColumn.create(RunsCsv.EXPERIMENT));
        }
        for (String name : COLUMNS) {
            switch (name) {
                case "a", "b", "metric" -> columns.add(StringColumn.create(name));
                case "n_pairs", "df" -> columns.add(IntColumn.create(name));
                default -> columns.add(DoubleColumn.create(name));
            }
        }
        return Table.create("comparison", columns);
    }

    /** {@code comparison-<a>-vs-<b>.csv}, with characters that are unsafe in file names replaced by '_'. */
    public static String fileName(String a, String b) {
        return "comparison-" + FileNames.safe(a) + "-vs-" + FileNames.safe(b) + ".csv";
    }

    public static void writeCsv(Table comparison, Path file) throws IOException {
        CsvFile.write(file, comparison);
    }

    /** Accuracy-like metrics in percent and differences in percentage points. */
    public static String toMarkdown(Table comparison) {
        boolean combined = comparison.containsColumn(RunsCsv.EXPERIMENT);
        MarkdownTable md = new MarkdownTable();
        if (combined) {
            md.column("experiment", false);
        }
        md.column("compression", true).column("pairs", true).column("a", true).column("b", true)
                .column("a − b", true).column("95% CI of a − b", true).column("p (paired t)", true);
        for (int r = 0; r < comparison.rowCount(); r++) {
            double scale = comparison.stringColumn("metric").get(r).startsWith("top") ? 100 : 1;
            List<String> cells = new ArrayList<>();
            if (combined) {
                cells.add(comparison.stringColumn(RunsCsv.EXPERIMENT).get(r));
            }
            double low = comparison.doubleColumn("diff_ci95_low").getDouble(r);
            double high = comparison.doubleColumn("diff_ci95_high").getDouble(r);
            cells.add(Numbers.compact(comparison.doubleColumn("compression").getDouble(r)));
            cells.add(Integer.toString(comparison.intColumn("n_pairs").getInt(r)));
            cells.add(Numbers.fixed(comparison.doubleColumn("mean_a").getDouble(r) * scale, 2));
            cells.add(Numbers.fixed(comparison.doubleColumn("mean_b").getDouble(r) * scale, 2));
            cells.add(Numbers.fixed(comparison.doubleColumn("diff_mean").getDouble(r) * scale, 2));
            cells.add(Double.isNaN(low) ? "" : "[" + Numbers.fixed(low * scale, 2) + ", " + Numbers.fixed(high * scale, 2) + "]");
            cells.add(pValue(comparison.doubleColumn("p_value").getDouble(r)));
            md.row(cells);
        }
        return md.render();
    }

    static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "";
        }
        return p < 0.001 ? "< 0.001" : Numbers.fixed(p, 3);
    }
}
