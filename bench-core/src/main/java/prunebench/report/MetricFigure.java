package prunebench.report;

import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import tech.tablesaw.api.Table;

/**
 * An accuracy metric against compression or theoretical speedup: one line per strategy through the means over
 * seeds, with ± one standard deviation error bars, on a log2 x axis, and the dense control as a dashed line.
 * Against measured speedup the x values have error bars too (± one standard deviation of the measured speedup over
 * seeds), since a measurement spreads where a theoretical speedup does not.
 * In delta mode the y value is the metric minus the dense control of the same experiment.
 */
final class MetricFigure {
    enum XKind { COMPRESSION, SPEEDUP, MEASURED_SPEEDUP, TRAIN_FLOPS }

    private static final Map<String, String> LABELS = Map.of(
            RunsCsv.TOP1, "Top-1 accuracy",
            RunsCsv.TOP5, "Top-5 accuracy",
            RunsCsv.TOP1_PRE, "Top-1 accuracy before fine-tuning",
            RunsCsv.TOP5_PRE, "Top-5 accuracy before fine-tuning");

    private MetricFigure() {}

    static Optional<JFreeChart> build(ReportData data, Table summary, String metric, XKind xKind, boolean delta) {
        Map<String, Double> dense = denseReference(data, metric);
        Map<String, List<Integer>> rowsBySeries = rowsBySeries(data, summary);

        // Measured speedups carry their own spread (std over seeds) as horizontal error bars: an unstructured run's
        // measured speedup is timing noise around 1, and the bar shows how wide that noise is.
        boolean xSpread = xKind == XKind.MEASURED_SPEEDUP;
        YIntervalSeriesCollection dataset = new YIntervalSeriesCollection();
        XYIntervalSeriesCollection spreadDataset = new XYIntervalSeriesCollection();
        List<SeriesStyles.Style> styles = new ArrayList<>();
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (String experiment : data.experimentKeys()) {
            Double reference = dense.get(experiment);
            if (delta && reference == null) {
                continue; // no dense control, no difference to it
            }
            for (String strategy : data.shownStrategies()) {
                String name = data.seriesName(experiment, strategy);
                YIntervalSeries series = new YIntervalSeries(name);
                XYIntervalSeries spreadSeries = new XYIntervalSeries(name);
                for (int r : rowsBySeries.getOrDefault(name, List.of())) {
                    double x = switch (xKind) {
                        case COMPRESSION -> summary.doubleColumn(RunsCsv.COMPRESSION).getDouble(r);
                        case SPEEDUP -> value(summary, RunsCsv.SPEEDUP_THEORETICAL + Summary.MEAN, r);
                        case MEASURED_SPEEDUP -> value(summary, RunsCsv.SPEEDUP_MEASURED + Summary.MEAN, r);
                        case TRAIN_FLOPS -> value(summary, RunsCsv.TRAIN_FLOPS + Summary.MEAN, r);
                    };
                    double mean = value(summary, metric + Summary.MEAN, r);
                    double std = value(summary, metric + Summary.STD, r);
                    if (!(x > 0) || Double.isNaN(mean)) {
                        continue;
                    }
                    double y = delta ? mean - reference : mean;
                    double spread = Double.isNaN(std) ? 0 : std;
                    series.add(x, y, y - spread, y + spread);
                    double xStd = xSpread ? value(summary, RunsCsv.SPEEDUP_MEASURED + Summary.STD, r) : Double.NaN;
                    double xLow = Double.isNaN(xStd) || x - xStd <= 0 ? x : x - xStd;
                    double xHigh = Double.isNaN(xStd) ? x : x + xStd;
                    spreadSeries.add(x, xLow, xHigh, y, y - spread, y + spread);
                    minX = Math.min(minX, xLow);
                    maxX = Math.max(maxX, xHigh);
                    minY = Math.min(minY, y - spread);
                    maxY = Math.max(maxY, y + spread);
                }
                if (series.getItemCount() > 0) {
                    dataset.addSeries(series);
                    spreadDataset.addSeries(spreadSeries);
                    styles.add(data.styles().of(experiment, strategy));
                }
            }
        }
        if (dataset.getSeriesCount() == 0) {
            return Optional.empty();
        }
        List<ReferenceLayer.Point> published = ReferenceLayer.points(data, metric, xKind, delta);
        for (ReferenceLayer.Point p : published) {
            minX = Math.min(minX, p.x());
            maxX = Math.max(maxX, p.x());
            minY = Math.min(minY, p.y());
            maxY = Math.max(maxY, p.y());
        }
        for (double d : delta ? List.of(0.0) : dense.values()) {
            minY = Math.min(minY, d);
            maxY = Math.max(maxY, d);
        }

        if (xKind == XKind.MEASURED_SPEEDUP) {
            minX = Math.min(minX, 1); // keep the dense-speed line in view
            maxX = Math.max(maxX, 1);
        }
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDefaultLinesVisible(true);
        renderer.setDefaultShapesVisible(true);
        renderer.setDrawXError(xSpread);
        renderer.setDrawYError(true);
        renderer.setCapLength(14);
        renderer.setErrorStroke(new BasicStroke(2f)); // solid even when the line is dashed
        String metricLabel = LABELS.getOrDefault(metric, metric);
        String xLabel = switch (xKind) {
            case COMPRESSION -> "Compression ratio (log scale)";
            case SPEEDUP -> "Theoretical speedup, dense FLOPs / pruned FLOPs (log scale)";
            case MEASURED_SPEEDUP -> "Measured speedup, pruned / dense inference images per second (log scale)";
            case TRAIN_FLOPS -> "Training multiply-adds, pretraining included (log scale)";
        };
        String yLabel = delta ? metricLabel + " minus dense (percentage points)" : metricLabel + " (%)";
        XYPlot plot = new XYPlot(xSpread ? spreadDataset : dataset, ChartLook.log2Axis(xLabel, minX, maxX),
                ChartLook.percentAxis(yLabel, minY, maxY), renderer);
        if (xKind == XKind.MEASURED_SPEEDUP) {
            // Where unstructured sparsity lands: no faster than dense.
            ValueMarker denseSpeed = ChartLook.referenceLine(1, "dense speed");
            denseSpeed.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT); // a vertical line: label beside its foot
            denseSpeed.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addDomainMarker(denseSpeed, Layer.BACKGROUND);
        }
        if (delta) {
            plot.addRangeMarker(ChartLook.referenceLine(0, "dense"), Layer.BACKGROUND);
        } else {
            dense.forEach((experiment, value) -> plot.addRangeMarker(ChartLook.referenceLine(value,
                    data.combined() ? "dense (" + experiment + ")" : "dense"), Layer.BACKGROUND));
        }
        String title = (delta ? "Change in " + metricLabel.toLowerCase() : metricLabel) + " vs "
                + switch (xKind) {
                    case COMPRESSION -> "compression";
                    case SPEEDUP -> "theoretical speedup";
                    case MEASURED_SPEEDUP -> "measured speedup";
                    case TRAIN_FLOPS -> "training cost";
                };
        JFreeChart chart = new JFreeChart(title, plot);
        ChartLook.apply(chart, data.title(), data.spec().titles());
        ChartLook.styleSeries(renderer, styles);
        ReferenceLayer.draw(plot, published, data);
        return Optional.of(chart);
    }

    /**
     * The dense control of the metric; before fine-tuning the dense model is the same model as after, so the
     * pre-finetune metrics fall back to their post-finetune counterparts.
     */
    static Map<String, Double> denseReference(ReportData data, String metric) {
        Map<String, Double> dense = new TreeMap<>(DenseControl.of(data.runs(), metric));
        if (metric.endsWith("_pre_finetune")) {
            DenseControl.of(data.runs(), metric.replace("_pre_finetune", "")).forEach(dense::putIfAbsent);
        }
        return dense;
    }

    private static Map<String, List<Integer>> rowsBySeries(ReportData data, Table summary) {
        Map<String, List<Integer>> rows = new HashMap<>();
        for (int r = 0; r < summary.rowCount(); r++) {
            String experiment = summary.containsColumn(RunsCsv.EXPERIMENT) ? summary.stringColumn(RunsCsv.EXPERIMENT).get(r) : "";
            String name = data.seriesName(experiment, summary.stringColumn(RunsCsv.STRATEGY).get(r));
            rows.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
        }
        return rows;
    }

    private static double value(Table summary, String column, int row) {
        return summary.containsColumn(column) ? summary.doubleColumn(column).getDouble(row) : Double.NaN;
    }
}
