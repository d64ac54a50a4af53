package prunebench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import tech.tablesaw.api.Table;

/**
 * Test top-1 accuracy per epoch of chosen runs, from their epochs.csv. Epochs are numbered across stages
 * (pre-training, then fine-tuning), and each change of stage is marked with a vertical line.
 */
final class TrainingCurvesFigure {
    private TrainingCurvesFigure() {}

    static Optional<JFreeChart> build(ReportData data) {
        List<RunSelector.SelectedRun> runs = RunSelector.select(data, data.spec().trainingCurves(),
                "report.training_curves", true);
        boolean mixedCompression = runs.stream().map(RunSelector.SelectedRun::compression).distinct().count() > 1;
        XYSeriesCollection dataset = new XYSeriesCollection();
        List<SeriesStyles.Style> styles = new ArrayList<>();
        List<ValueMarker> stageMarkers = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (RunSelector.SelectedRun run : runs) {
            Optional<Table> table = RunFiles.epochs(run.dir());
            if (table.isEmpty() || !table.get().containsColumn("test_top1")) {
                continue;
            }
            Table t = table.get();
            String name = data.seriesName(run.experiment(), run.strategy()) + " ("
                    + (mixedCompression ? Numbers.compact(run.compression()) + "×, " : "") + "seed " + run.seed() + ")";
            XYSeries series = new XYSeries(name, false, true);
            for (int r = 0; r < t.rowCount(); r++) {
                double acc = t.doubleColumn("test_top1").getDouble(r);
                if (!Double.isNaN(acc)) {
                    series.add(r + 1, acc);
                    min = Math.min(min, acc);
                    max = Math.max(max, acc);
                }
            }
            if (series.getItemCount() == 0 || dataset.getSeriesIndex(name) >= 0) {
                continue;
            }
            if (stageMarkers.isEmpty()) {
                stageMarkers.addAll(stageBoundaries(t));
            }
            dataset.addSeries(series);
            styles.add(data.styles().of(run.experiment(), run.strategy()));
        }
        if (dataset.getSeriesCount() == 0) {
            return Optional.empty();
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        NumberAxis epochs = new NumberAxis("Epoch (all stages)");
        epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochs.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(dataset, epochs, ChartLook.percentAxis("Test top-1 accuracy (%)", min, max),
                renderer);
        stageMarkers.forEach(m -> plot.addDomainMarker(m, Layer.BACKGROUND));
        JFreeChart chart = new JFreeChart("Training curves", plot);
        ChartLook.apply(chart, data.title(), data.spec().titles());
        ChartLook.styleSeries(renderer, styles);
        return Optional.of(chart);
    }

    /** A dashed vertical line between the last epoch of one stage and the first of the next, labelled with the next. */
    private static List<ValueMarker> stageBoundaries(Table epochs) {
        List<ValueMarker> markers = new ArrayList<>();
        if (!epochs.containsColumn("stage")) {
            return markers;
        }
        for (int r = 1; r < epochs.rowCount(); r++) {
            String stage = epochs.stringColumn("stage").get(r);
            if (!stage.equals(epochs.stringColumn("stage").get(r - 1))) {
                ValueMarker m = ChartLook.referenceLine(r + 0.5, stage);
                m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
                m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                markers.add(m);
            }
        }
        return markers;
    }
}
