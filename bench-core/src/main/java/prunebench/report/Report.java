package prunebench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import prunebench.config.ConfigException;
import prunebench.util.AtomicFiles;
import tech.tablesaw.api.Table;

/**
 * Rebuilds a report from results alone (no training): summary.csv and summary.md, one comparison CSV per
 * requested pair, the figures under plots/, and report.md tying them together. Output depends only on the
 * inputs, so rebuilding unchanged results gives identical files.
 */
public final class Report {
    static final String SUMMARY_CSV = "summary.csv";
    static final String SUMMARY_MD = "summary.md";
    static final String REPORT_MD = "report.md";
    static final String PLOTS = "plots";

    private Report() {}

    /**
     * Reports on one results folder, into that folder, with the {@code report:} section of its
     * resolved-experiment.yaml (defaults when there is none).
     */
    public static Path rebuild(Path resultsDir) {
        Experiment experiment = Experiment.load(resultsDir);
        return write(ReportData.of(List.of(experiment), savedSpec(experiment)), experiment.dir());
    }

    /** As {@link #rebuild(Path)}, with {@code references} (--references) added to the saved report section's. */
    public static Path rebuild(Path resultsDir, List<Path> references) {
        Experiment experiment = Experiment.load(resultsDir);
        return write(ReportData.of(List.of(experiment), savedSpec(experiment).withReferences(references)),
                experiment.dir());
    }

    /** Reports on one results folder, into that folder; returns report.md. */
    public static Path rebuild(Path resultsDir, ReportSpec spec) {
        Experiment experiment = Experiment.load(resultsDir);
        return write(ReportData.of(List.of(experiment), spec), experiment.dir());
    }

    /**
     * Several results folders (e.g. one architecture each) in one report written to {@code outDir}: tables gain an
     * experiment column and figure series are named {@code <experiment>/<strategy>}, experiment = folder name.
     * Folders of the same experiment (the same {@code name:}, e.g. a grid split across machines) are pooled into
     * one ({@link PooledFolders}); {@code notes} hears which.
     */
    public static Path rebuildCombined(List<Path> resultsDirs, Path outDir, ReportSpec spec, Consumer<String> notes) {
        List<Experiment> experiments = PooledFolders.pool(resultsDirs.stream().map(Experiment::load).toList(), notes);
        return write(ReportData.of(experiments, spec), outDir.toAbsolutePath().normalize());
    }

    static ReportSpec savedSpec(Experiment experiment) {
        Optional<String> settings = experiment.settings();
        if (settings.isEmpty()) {
            return ReportSpec.defaults();
        }
        Object yaml;
        try {
            yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(settings.get());
        } catch (RuntimeException e) {
            throw new ConfigException(experiment.dir().resolve(Experiment.SETTINGS_FILE) + ": not valid YAML: "
                    + e.getMessage(), e);
        }
        return yaml instanceof Map<?, ?> map ? ReportSpec.fromExperiment(stringKeys(map)) : ReportSpec.defaults();
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((k, v) -> result.put(String.valueOf(k), v));
        return result;
    }

    private static Path write(ReportData data, Path outDir) {
        try {
            Files.createDirectories(outDir);
            AtomicFiles.removeLeftovers(outDir);
            Summary.writeCsv(Summary.compute(data.runs()), outDir.resolve(SUMMARY_CSV));
            String summaryMarkdown = Summary.toMarkdown(ReportMarkdown.inShownOrder(Summary.compute(data.shownRuns()), data));
            AtomicFiles.writeString(outDir.resolve(SUMMARY_MD), "# " + data.title() + ": summary\n\n" + summaryMarkdown);

            Map<ReportSpec.Pair, Table> comparisons = new LinkedHashMap<>();
            List<ReportSpec.Pair> pairs = data.spec().compare();
            for (int i = 0; i < pairs.size(); i++) {
                String key = "report.compare[" + i + "]";
                ReportSpec.Pair pair = new ReportSpec.Pair(
                        ReportData.single(data.runs(), pairs.get(i).a(), key + "[0]"),
                        ReportData.single(data.runs(), pairs.get(i).b(), key + "[1]"));
                Table table = PairedComparison.compare(data.runs(), pair.a(), pair.b(), data.spec().metric());
                PairedComparison.writeCsv(table, outDir.resolve(PairedComparison.fileName(pair.a(), pair.b())));
                comparisons.put(pair, table);
            }

            if (!data.references().isEmpty()) {
                List<PublishedComparison.Row> rows = PublishedComparison.compare(data.references(),
                        Summary.compute(data.shownRuns()), data.shownRuns(), data.experimentKeys(),
                        data.spec().agreementBound());
                if (!data.combined()) { // the csv names the experiment in a single report too
                    String name = data.experiment("").name();
                    rows = rows.stream().map(r -> r.named(name)).toList();
                }
                PublishedComparison.writeCsv(rows, outDir.resolve(PublishedComparison.FILE));
            }

            Figures figures = new Figures(data);
            Map<FigureKind, List<Path>> written = new LinkedHashMap<>();
            for (FigureKind kind : data.spec().figures()) {
                if (!figures.applies(kind)) {
                    continue; // e.g. a runs.csv from before speedup_measured: no section rather than an empty one
                }
                written.put(kind, new ArrayList<>(figures.write(kind, outDir.resolve(PLOTS))));
            }

            Path report = outDir.resolve(REPORT_MD);
            AtomicFiles.writeString(report, ReportMarkdown.render(data, summaryMarkdown, comparisons, written, outDir));
            return report;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
