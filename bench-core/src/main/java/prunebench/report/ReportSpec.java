package prunebench.report;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optional {@code report:} section of an experiment file.
 *
 * <pre>
 * report:
 *   title: LeNet-5 on MNIST
 *   figures: [accuracy-vs-compression, accuracy-vs-speedup, delta-top1-vs-compression, density-profile]
 *   strategies: [global-magnitude, layer-magnitude]   # subset and legend order; default: all, sorted
 *   metric: top1                                       # y of accuracy-vs-* and the paired comparisons
 *   density_profile: {compression: 16, strategies: [global-magnitude]}
 *   training_curves: {compression: 16, runs: [3f2a9c]} # default: lowest seed of each strategy
 *   compare: [[global-magnitude, layer-magnitude]]
 *   format: [png, svg, pdf]                            # default [png, svg]
 *   titles: false                                      # no title or subtitle on the figures (for a paper)
 *   references: [references/tanaka2020-vgg16-cifar10.csv]   # published results drawn and compared (References)
 *   agreement_bound: 2        # points: a wider combined 95% interval makes the verdict "inconclusive" (default 2)
 * </pre>
 *
 * @param title null to use the experiment's name (its {@code name:}; the folder's name for results without one)
 * @param titles false to draw figures without title and subtitle, for a paper whose caption says it
 * @param strategies empty for every strategy in runs.csv, sorted by name
 * @param agreementBound the widest combined 95% half-width, in top-1 points, that still gives a yes/no verdict
 *     against a published number (PublishedComparison); wider is "inconclusive"
 */
public record ReportSpec(
        List<FigureKind> figures,
        String title,
        List<String> strategies,
        String metric,
        RunSelection densityProfile,
        RunSelection trainingCurves,
        List<Pair> compare,
        Set<ImageFormat> formats,
        List<java.nio.file.Path> references,
        boolean titles,
        double agreementBound) {

    /** The default of {@code agreement_bound}: 2 top-1 points. */
    public static final double DEFAULT_AGREEMENT_BOUND = 2;

    /** Values of {@code metric}: the accuracy columns of runs.csv. */
    public static final List<String> METRICS = List.of(RunsCsv.TOP1, RunsCsv.TOP5, RunsCsv.TOP1_PRE, RunsCsv.TOP5_PRE);

    public ReportSpec {
        figures = List.copyOf(figures);
        strategies = List.copyOf(strategies);
        compare = List.copyOf(compare);
        formats = formats.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(formats));
        references = references == null ? List.of() : List.copyOf(references);
        if (!(agreementBound > 0) || Double.isInfinite(agreementBound)) {
            throw new prunebench.config.ConfigException("report.agreement_bound: expected a positive number of "
                    + "top-1 points, got " + agreementBound);
        }
    }

    /** With the default agreement bound (the shape before {@code agreement_bound} was added). */
    public ReportSpec(List<FigureKind> figures, String title, List<String> strategies, String metric,
            RunSelection densityProfile, RunSelection trainingCurves, List<Pair> compare, Set<ImageFormat> formats,
            List<java.nio.file.Path> references, boolean titles) {
        this(figures, title, strategies, metric, densityProfile, trainingCurves, compare, formats, references, titles,
                DEFAULT_AGREEMENT_BOUND);
    }

    /** With figure titles (the shape before {@code titles} was added). */
    public ReportSpec(List<FigureKind> figures, String title, List<String> strategies, String metric,
            RunSelection densityProfile, RunSelection trainingCurves, List<Pair> compare, Set<ImageFormat> formats,
            List<java.nio.file.Path> references) {
        this(figures, title, strategies, metric, densityProfile, trainingCurves, compare, formats, references, true);
    }

    /** Without references (the shape before {@code references} was added). */
    public ReportSpec(List<FigureKind> figures, String title, List<String> strategies, String metric,
            RunSelection densityProfile, RunSelection trainingCurves, List<Pair> compare, Set<ImageFormat> formats) {
        this(figures, title, strategies, metric, densityProfile, trainingCurves, compare, formats, List.of());
    }

    /** Reads every reference file: a missing or malformed one is bad input (a ConfigException naming it). */
    public void checkReferences() {
        References.load(references);
    }

    /**
     * This spec with its relative reference paths that do not exist in the current directory looked up from the
     * folder of {@code experimentFile} and the folders above it, nearest first (so that {@code references/x.csv}
     * in {@code experiments/papers/x.yaml} is found from any directory); a path found nowhere is kept as written,
     * for the error that names it.
     */
    public ReportSpec resolveReferences(java.nio.file.Path experimentFile) {
        if (experimentFile == null) {
            return this;
        }
        return new ReportSpec(figures, title, strategies, metric, densityProfile, trainingCurves, compare, formats,
                references.stream().map(r -> References.locate(r, experimentFile)).toList(), titles, agreementBound);
    }

    /** This spec with {@code more} reference files after its own (--references), each file once. */
    public ReportSpec withReferences(List<java.nio.file.Path> more) {
        java.util.LinkedHashSet<java.nio.file.Path> all = new java.util.LinkedHashSet<>(references);
        all.addAll(more);
        return new ReportSpec(figures, title, strategies, metric, densityProfile, trainingCurves, compare, formats,
                List.copyOf(all), titles, agreementBound);
    }

    /**
     * Which runs a per-run figure draws.
     *
     * @param compression null for the highest compression in the results
     * @param strategies empty for the strategies shown in the report
     * @param runs empty for all matching runs (training curves then take the lowest seed of each strategy)
     */
    public record RunSelection(Double compression, List<String> strategies, List<String> runs) {
        public RunSelection {
            strategies = List.copyOf(strategies);
            runs = List.copyOf(runs);
        }

        static RunSelection all() {
            return new RunSelection(null, List.of(), List.of());
        }
    }

    /** Strategies a and b of a paired comparison (a - b). */
    public record Pair(String a, String b) {}

    /** What a report contains when the experiment has no {@code report:} section: everything, PNG and SVG. */
    public static ReportSpec defaults() {
        return new ReportSpec(List.of(FigureKind.values()), null, List.of(), RunsCsv.TOP1, RunSelection.all(),
                RunSelection.all(), List.of(), EnumSet.of(ImageFormat.PNG, ImageFormat.SVG));
    }

    /** The {@code report:} section of a parsed experiment file (the whole YAML map), or the defaults if absent. */
    public static ReportSpec fromExperiment(Map<String, ?> experimentYaml) {
        Object section = experimentYaml.get(ReportSpecParser.SECTION);
        return section == null ? defaults() : parse(section);
    }

    /** Validates the value of the {@code report:} key; errors name the offending key, e.g. {@code report.figures[2]}. */
    public static ReportSpec parse(Object section) {
        return ReportSpecParser.parse(section);
    }
}
