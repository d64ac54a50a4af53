package prunebench.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jfree.chart.JFreeChart;
import tech.tablesaw.api.Table;

/**
 * The report's figures (JFreeChart, headless) for one or several experiments. Several experiments share each
 * figure, their series named {@code <experiment>/<strategy>}.
 */
public final class Figures {
    private final ReportData data;
    private final Table summary;

    public Figures(List<Experiment> experiments, ReportSpec spec) {
        this(ReportData.of(experiments, spec));
    }

    Figures(ReportData data) {
        this.data = data;
        this.summary = Summary.compute(data.shownRuns());
    }

    /** The chart, or empty when the results hold nothing to draw (e.g. no layers.csv for a density profile). */
    public Optional<JFreeChart> chart(FigureKind kind) {
        String metric = data.spec().metric();
        return switch (kind) {
            case ACCURACY_VS_COMPRESSION -> MetricFigure.build(data, summary, metric, MetricFigure.XKind.COMPRESSION, false);
            case ACCURACY_VS_SPEEDUP -> MetricFigure.build(data, summary, metric, MetricFigure.XKind.SPEEDUP, false);
            case ACCURACY_VS_MEASURED_SPEEDUP -> applies(kind)
                    ? MetricFigure.build(data, summary, metric, MetricFigure.XKind.MEASURED_SPEEDUP, false)
                    : Optional.empty();
            case ACCURACY_VS_TRAIN_FLOPS -> applies(kind)
                    ? MetricFigure.build(data, summary, metric, MetricFigure.XKind.TRAIN_FLOPS, false)
                    : Optional.empty();
            case DELTA_TOP1_VS_COMPRESSION -> MetricFigure.build(data, summary, RunsCsv.TOP1, MetricFigure.XKind.COMPRESSION, true);
            case TOP5_VS_COMPRESSION -> MetricFigure.build(data, summary, RunsCsv.TOP5, MetricFigure.XKind.COMPRESSION, false);
            case TOP5_VS_SPEEDUP -> MetricFigure.build(data, summary, RunsCsv.TOP5, MetricFigure.XKind.SPEEDUP, false);
            case DENSITY_PROFILE -> DensityProfileFigure.build(data);
            case TRAINING_CURVES -> TrainingCurvesFigure.build(data);
        };
    }

    /** Whether the results can have this figure at all: measured speedups exist only in newer runs.csv files. */
    public boolean applies(FigureKind kind) {
        return switch (kind) {
            case ACCURACY_VS_MEASURED_SPEEDUP -> data.runs().containsColumn(RunsCsv.SPEEDUP_MEASURED);
            case ACCURACY_VS_TRAIN_FLOPS -> data.runs().containsColumn(RunsCsv.TRAIN_FLOPS);
            default -> true;
        };
    }

    /** Writes {@code <plotsDir>/<figure key>.<png|svg>} in the spec's formats; returns the files, none if no data. */
    public List<Path> write(FigureKind kind, Path plotsDir) {
        return chart(kind).map(c -> ChartFiles.write(c, plotsDir, kind.key(), data.spec().formats())).orElse(List.of());
    }
}
