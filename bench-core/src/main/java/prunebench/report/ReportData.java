package prunebench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import prunebench.config.ConfigException;
import prunebench.util.Names;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Everything a report is drawn from, resolved once: the experiments, all their runs in one table (with an
 * {@code experiment} column when there are several), the strategies shown and in which order, the styles, and the
 * published results of {@code report.references}.
 */
record ReportData(List<Experiment> experiments, ReportSpec spec, Table runs, List<String> shownStrategies,
        SeriesStyles styles, List<References.Reference> references) {

    static ReportData of(List<Experiment> experiments, ReportSpec spec) {
        if (experiments.isEmpty()) {
            throw new IllegalArgumentException("no experiments to report on");
        }
        Set<String> names = new TreeSet<>();
        for (Experiment e : experiments) {
            if (!names.add(e.name())) {
                throw new ConfigException("two results folders are both named '" + e.name()
                        + "'; series are labelled by folder name, so rename one");
            }
        }
        Table runs = SeriesNames.apply(combinedRuns(experiments));
        Set<String> all = strategies(runs);
        List<String> shown = spec.strategies().isEmpty() ? List.copyOf(all)
                : series(runs, spec.strategies(), "report.strategies");
        // Styles come from every strategy seen, not only those shown, so colours match across differently filtered reports.
        SeriesStyles styles = new SeriesStyles(experiments.stream().map(Experiment::name).toList(), List.copyOf(all));
        return new ReportData(List.copyOf(experiments), spec, runs, shown, styles, References.load(spec.references()));
    }

    /** One experiment's runs as they are; several with an experiment column and the union of their columns. */
    static Table combinedRuns(List<Experiment> experiments) {
        if (experiments.size() == 1) {
            return experiments.get(0).runs();
        }
        List<Table> parts = new ArrayList<>();
        for (Experiment e : experiments) {
            Table copy = e.runs().copy();
            copy.insertColumn(0, StringColumn.create(RunsCsv.EXPERIMENT,
                    Collections.nCopies(copy.rowCount(), e.name()).toArray(String[]::new)));
            parts.add(copy);
        }
        return RunsCsv.union("runs", parts);
    }

    /** The distinct strategy labels of a runs table, sorted; blank labels (missing cells) are not strategies. */
    static Set<String> strategies(Table runs) {
        return runs.stringColumn(RunsCsv.STRATEGY).asList().stream()
                .filter(s -> s != null && !s.isBlank())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The series a report section asks for: a series name as shown, or a label, which stands for every series of that
     * label (one per config).
     */
    static List<String> series(Table runs, List<String> requested, String key) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            seriesOf(runs, requested.get(i), key + "[" + i + "]").stream().filter(m -> !result.contains(m))
                    .forEach(result::add);
        }
        return result;
    }

    /** A name that must denote exactly one series (one side of a paired comparison); {@code where} names it. */
    static String single(Table runs, String requested, String where) {
        List<String> matching = seriesOf(runs, requested, where);
        if (matching.size() > 1) {
            throw new ConfigException(where + ": '" + requested + "' has runs of " + matching.size()
                    + " different settings here: " + String.join("; ", matching) + "; name one of them");
        }
        return matching.get(0);
    }

    private static List<String> seriesOf(Table runs, String requested, String where) {
        Set<String> names = strategies(runs);
        if (names.contains(requested)) {
            return List.of(requested);
        }
        List<String> matching = ofLabel(runs, requested);
        if (matching.isEmpty()) {
            Set<String> known = new TreeSet<>(names);
            runs.stringColumn(SeriesNames.LABEL).asList().stream().filter(s -> s != null && !s.isBlank())
                    .forEach(known::add);
            throw new ConfigException(where + ": " + Names.unknown("strategy", requested, known) + " (from runs.csv)");
        }
        return matching;
    }

    /** The series of a label, sorted. */
    private static List<String> ofLabel(Table runs, String label) {
        Set<String> found = new TreeSet<>();
        for (int r = 0; r < runs.rowCount(); r++) {
            if (label.equals(runs.stringColumn(SeriesNames.LABEL).get(r))) {
                found.add(runs.stringColumn(RunsCsv.STRATEGY).get(r));
            }
        }
        return List.copyOf(found);
    }

    static List<String> checkKnown(List<String> requested, Set<String> known, String key) {
        for (int i = 0; i < requested.size(); i++) {
            if (!known.contains(requested.get(i))) {
                throw new ConfigException(key + "[" + i + "]: " + Names.unknown("strategy", requested.get(i), known)
                        + " (from runs.csv)");
            }
        }
        return requested;
    }

    boolean combined() {
        return experiments.size() > 1;
    }

    /** Runs of the shown strategies only. */
    Table shownRuns() {
        return runs.where(runs.stringColumn(RunsCsv.STRATEGY).isIn(shownStrategies));
    }

    /** The legend label: the strategy, prefixed by the experiment when several are combined. */
    String seriesName(String experiment, String strategy) {
        return combined() ? experiment + "/" + strategy : strategy;
    }

    /** Experiment names in the order given; a single experiment's rows have no experiment column, hence "". */
    List<String> experimentKeys() {
        return combined() ? experiments.stream().map(Experiment::name).toList() : List.of("");
    }

    Experiment experiment(String key) {
        return combined() ? experiments.stream().filter(e -> e.name().equals(key)).findFirst().orElseThrow()
                : experiments.get(0);
    }

    String title() {
        if (spec.title() != null) {
            return spec.title();
        }
        return String.join(" + ", experiments.stream().map(Experiment::experimentName).distinct().toList());
    }
}
