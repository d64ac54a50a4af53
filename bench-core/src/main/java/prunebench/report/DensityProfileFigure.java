package prunebench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import tech.tablesaw.api.Table;

/**
 * The fraction of weights each strategy keeps in each layer at one compression (bars: mean over seeds, whiskers:
 * std), from the runs' layers.csv. Shows where a global criterion concentrates the pruning.
 */
final class DensityProfileFigure {
    private DensityProfileFigure() {}

    static Optional<JFreeChart> build(ReportData data) {
        List<RunSelector.SelectedRun> runs = RunSelector.select(data, data.spec().densityProfile(),
                "report.density_profile", false);
        // series name -> layer -> densities over seeds; layers keep the order of the files.
        Map<String, Map<String, List<Double>>> densities = new LinkedHashMap<>();
        Map<String, SeriesStyles.Style> styles = new LinkedHashMap<>();
        List<String> layers = new ArrayList<>();
        Double compression = null;
        for (RunSelector.SelectedRun run : runs) {
            Optional<Table> table = RunFiles.layers(run.dir());
            if (table.isEmpty()) {
                continue;
            }
            String series = data.seriesName(run.experiment(), run.strategy());
            styles.putIfAbsent(series, data.styles().of(run.experiment(), run.strategy()));
            compression = run.compression();
            Table t = table.get();
            for (int r = 0; r < t.rowCount(); r++) {
                String layer = t.stringColumn("layer").get(r);
                if (!layers.contains(layer)) {
                    layers.add(layer);
                }
                densities.computeIfAbsent(series, k -> new LinkedHashMap<>())
                        .computeIfAbsent(layer, k -> new ArrayList<>())
                        .add(density(t, r));
            }
        }
        if (densities.isEmpty()) {
            return Optional.empty();
        }

        DefaultStatisticalCategoryDataset dataset = new DefaultStatisticalCategoryDataset();
        double max = 0;
        for (var series : densities.entrySet()) {
            for (String layer : layers) {
                List<Double> values = series.getValue().get(layer);
                if (values == null) {
                    continue;
                }
                SampleStats s = SampleStats.of(values.stream().mapToDouble(Double::doubleValue).toArray());
                double std = Double.isNaN(s.std()) ? 0 : s.std();
                dataset.add(s.mean(), std, series.getKey(), layer);
                max = Math.max(max, s.mean() + std);
            }
        }

        StatisticalBarRenderer renderer = new StatisticalBarRenderer();
        renderer.setErrorIndicatorPaint(Color.DARK_GRAY);
        renderer.setErrorIndicatorStroke(new BasicStroke(2f));
        renderer.setItemMargin(0.05);
        renderer.setDrawBarOutline(false);
        renderer.setDefaultLegendShape(new java.awt.geom.Rectangle2D.Double(-9, -9, 18, 18));
        CategoryAxis layerAxis = new CategoryAxis("Layer");
        boolean crowded = layers.size() > 6 || layers.stream().anyMatch(l -> l.length() > 14);
        if (crowded) {
            layerAxis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        layerAxis.setMaximumCategoryLabelLines(2);
        NumberAxis densityAxis = new NumberAxis("Density: weights kept (%)");
        var format = Numbers.format("0.#");
        format.setMultiplier(100);
        densityAxis.setNumberFormatOverride(format);
        double target = 1 / compression;
        densityAxis.setRange(0, Math.min(1.05, Math.max(max, target) * 1.1));
        CategoryPlot plot = new CategoryPlot(dataset, layerAxis, densityAxis, renderer);
        plot.addRangeMarker(ChartLook.referenceLine(target, "uniform 1/" + Numbers.compact(compression)), Layer.FOREGROUND);

        JFreeChart chart = new JFreeChart("Per-layer density at " + Numbers.compact(compression) + "× compression", plot);
        ChartLook.apply(chart, data.title(), data.spec().titles());
        List<SeriesStyles.Style> ordered = new ArrayList<>(styles.values());
        for (int i = 0; i < ordered.size(); i++) {
            renderer.setSeriesPaint(i, ordered.get(i).color()); // after the theme, which clears series paints
        }
        return Optional.of(chart);
    }

    /** The density column, or kept / parameters where a runner left it out. */
    private static double density(Table t, int r) {
        if (t.containsColumn("density") && !t.doubleColumn("density").isMissing(r)) {
            return t.doubleColumn("density").getDouble(r);
        }
        return t.doubleColumn("kept").getDouble(r) / t.doubleColumn("parameters").getDouble(r);
    }
}
