package prunebench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import prunebench.util.CsvFile;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Per (strategy, config, compression) aggregates over seeds: for every metric {@code m}, the columns {@code m_mean},
 * {@code m_std} (sample, empty when n = 1) and {@code m_ci95} (Student t half-width), plus {@code n} (successful runs)
 * and {@code n_failed}. Rows are sorted by strategy, config, then compression; combined tables are grouped by experiment
 * first. A {@code config} column (runs.csv's) is kept when the runs have one.
 *
 * <p>The grouping is a sorted map of {@link GroupKey}, not Tablesaw's {@code summarize(...).by(...)}: the same key
 * pairs runs in the paired comparisons, the dense control and the run selector; a group whose runs all failed still
 * needs its row (n = 0); each metric counts only successful runs with a value; and the Student t half-width is not one
 * of Tablesaw's aggregates. Tablesaw's version needed custom aggregate functions, a filtered copy, a join for the
 * failure counts and the renaming of its "Mean [top1]" columns: longer than this loop.
 */
public final class Summary {
    static final String N = "n";
    static final String N_FAILED = "n_failed";
    static final String MEAN = "_mean";
    static final String STD = "_std";
    static final String CI95 = "_ci95";

    /** The metrics of the user contract, in this order; any other numeric column of runs.csv follows them. */
    static final List<String> CORE_METRICS = List.of(RunsCsv.TOP1, RunsCsv.TOP5, RunsCsv.TOP1_PRE,
            RunsCsv.COMPRESSION_ACTUAL, RunsCsv.SPEEDUP_THEORETICAL, RunsCsv.SPEEDUP_MEASURED);

    private Summary() {}

    public static Table compute(Table runs) {
        List<String> metrics = metrics(runs);
        boolean combined = runs.containsColumn(RunsCsv.EXPERIMENT);
        boolean configs = runs.containsColumn(RunsCsv.CONFIG);
        Map<GroupKey, List<Integer>> groups = groups(runs);

        StringColumn experiment = StringColumn.create(RunsCsv.EXPERIMENT);
        StringColumn strategy = StringColumn.create(RunsCsv.STRATEGY);
        StringColumn config = StringColumn.create(RunsCsv.CONFIG);
        DoubleColumn compression = DoubleColumn.create(RunsCsv.COMPRESSION);
        IntColumn n = IntColumn.create(N);
        IntColumn nFailed = IntColumn.create(N_FAILED);
        List<DoubleColumn> stats = new ArrayList<>();
        for (String m : metrics) {
            stats.add(DoubleColumn.create(m + MEAN));
            stats.add(DoubleColumn.create(m + STD));
            stats.add(DoubleColumn.create(m + CI95));
        }
        groups.forEach((key, rows) -> {
            List<Integer> ok = rows.stream().filter(r -> RunsCsv.isOk(runs, r)).toList();
            experiment.append(key.experiment());
            strategy.append(key.strategy());
            config.append(key.config());
            compression.append(key.compression());
            n.append(ok.size());
            nFailed.append(rows.size() - ok.size());
            for (int i = 0; i < metrics.size(); i++) {
                DoubleColumn values = runs.doubleColumn(metrics.get(i));
                // Each metric has its own count: e.g. the dense control has no pre-finetune accuracy.
                SampleStats s = SampleStats.of(ok.stream().mapToDouble(values::getDouble).toArray());
                stats.get(3 * i).append(s.mean());
                stats.get(3 * i + 1).append(s.std());
                stats.get(3 * i + 2).append(s.ci95());
            }
        });
        List<Column<?>> columns = new ArrayList<>();
        if (combined) {
            columns.add(experiment);
        }
        columns.add(strategy);
        if (configs) {
            columns.add(config);
        }
        Stream.of(compression, n, nFailed).forEach(columns::add);
        columns.addAll(stats);
        return Table.create("summary", columns);
    }

    /** Core metrics first, then every other numeric column of the runs table (e.g. speedup_measured, params). */
    static List<String> metrics(Table runs) {
        List<String> numeric = RunsCsv.metricColumns(runs);
        List<String> ordered = new ArrayList<>(CORE_METRICS.stream().filter(numeric::contains).toList());
        numeric.stream().filter(m -> !ordered.contains(m)).forEach(ordered::add);
        return ordered;
    }

    /** Row indices per (experiment, strategy, config, compression), keys in sorted order. */
    static Map<GroupKey, List<Integer>> groups(Table runs) {
        Map<GroupKey, List<Integer>> groups = new TreeMap<>();
        for (int r = 0; r < runs.rowCount(); r++) {
            groups.computeIfAbsent(GroupKey.of(runs, r), k -> new ArrayList<>()).add(r);
        }
        return groups;
    }

    public static void writeCsv(Table summary, Path file) throws IOException {
        CsvFile.write(file, summary);
    }

    /** The core metrics as a Markdown table: mean ± 95% CI half-width, accuracies in percent. */
    public static String toMarkdown(Table summary) {
        return SummaryMarkdown.render(summary);
    }

    /**
     * Identity of an aggregate row: runs are pooled only over seeds, never over settings. Experiment is empty for a
     * single results folder, config for a runs.csv written before settings were recorded.
     */
    record GroupKey(String experiment, String strategy, String config, double compression)
            implements Comparable<GroupKey> {
        private static final Comparator<GroupKey> ORDER = Comparator.comparing(GroupKey::experiment)
                .thenComparing(GroupKey::strategy)
                .thenComparing(GroupKey::config)
                .thenComparingDouble(GroupKey::compression);

        static GroupKey of(Table runs, int row) {
            String experiment = runs.containsColumn(RunsCsv.EXPERIMENT) ? runs.stringColumn(RunsCsv.EXPERIMENT).get(row) : "";
            String config = runs.containsColumn(RunsCsv.CONFIG) ? runs.stringColumn(RunsCsv.CONFIG).get(row) : "";
            return new GroupKey(experiment, runs.stringColumn(RunsCsv.STRATEGY).get(row), config == null ? "" : config,
                    runs.doubleColumn(RunsCsv.COMPRESSION).getDouble(row));
        }

        @Override
        public int compareTo(GroupKey o) {
            return ORDER.compare(this, o);
        }
    }
}
