package prunebench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import prunebench.report.References.Reference;

/**
 * Published results on an accuracy-vs-compression figure: hollow markers in the colour and shape of the strategy
 * they belong to, one legend entry "<strategy> (published)" per strategy, drawn over our series. Only top-1
 * against compression (what papers publish) and only for the strategies the report shows.
 */
final class ReferenceLayer {
    /** One marker: compression, top-1 as a fraction (the figure's unit). */
    record Point(String strategy, double x, double y) {}

    private ReferenceLayer() {}

    static List<Point> points(ReportData data, String metric, MetricFigure.XKind xKind, boolean delta) {
        if (delta || xKind != MetricFigure.XKind.COMPRESSION || !metric.equals(RunsCsv.TOP1)) {
            return List.of();
        }
        List<Point> out = new ArrayList<>();
        for (Reference r : data.references()) {
            if (data.shownStrategies().contains(r.strategy())
                    && PublishedComparison.sameModelAndDataset(r, data.shownRuns())) {
                out.add(new Point(r.strategy(), r.compression(), r.top1() / 100));
            }
        }
        return out;
    }

    /** Adds the markers as a second dataset; call after the chart's theme is applied (it resets series styles). */
    static void draw(XYPlot plot, List<Point> points, ReportData data) {
        if (points.isEmpty()) {
            return;
        }
        Map<String, XYSeries> byStrategy = new LinkedHashMap<>();
        for (String s : data.shownStrategies()) {
            for (Point p : points) {
                if (p.strategy().equals(s)) {
                    byStrategy.computeIfAbsent(s, k -> new XYSeries(k + " (published)", false, true)).add(p.x(), p.y());
                }
            }
        }
        XYSeriesCollection dataset = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        renderer.setUseFillPaint(true);
        renderer.setDefaultFillPaint(Color.WHITE);
        renderer.setDrawOutlines(true);
        renderer.setUseOutlinePaint(false); // outline in the series colour
        renderer.setDefaultOutlineStroke(new BasicStroke(3f));
        int i = 0;
        String experiment = data.experimentKeys().get(0);
        for (Map.Entry<String, XYSeries> e : byStrategy.entrySet()) {
            dataset.addSeries(e.getValue());
            SeriesStyles.Style style = data.styles().of(experiment, e.getKey());
            renderer.setSeriesPaint(i, style.color());
            renderer.setSeriesFillPaint(i, Color.WHITE);
            renderer.setSeriesShape(i, enlarged(style.shape()));
            renderer.setSeriesOutlineStroke(i, new BasicStroke(3f));
            i++;
        }
        int index = plot.getDatasetCount();
        plot.setDataset(index, dataset);
        plot.setRenderer(index, renderer);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD); // published markers on top of our lines
    }

    /** A little larger than our markers, so a filled marker at the same point stays visible inside it. */
    private static java.awt.Shape enlarged(java.awt.Shape shape) {
        return java.awt.geom.AffineTransform.getScaleInstance(1.5, 1.5).createTransformedShape(shape);
    }
}
