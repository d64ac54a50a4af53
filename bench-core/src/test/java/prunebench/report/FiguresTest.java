package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ConfigException;

class FiguresTest {
    @TempDir
    static Path results;
    static Experiment experiment;

    @BeforeAll
    static void writeResults() throws Exception {
        experiment = Experiment.load(ResultsFixture.write(results.resolve("lenet5-mnist"), 0));
    }

    private static Figures figures(ReportSpec spec) {
        return new Figures(List.of(experiment), spec);
    }

    @Test
    void everyFigureIsWrittenAsReadablePngAndSvg(@TempDir Path plots) throws Exception {
        Figures figures = figures(ReportSpec.defaults());
        for (FigureKind kind : FigureKind.values()) {
            List<Path> files = figures.write(kind, plots);
            assertEquals(List.of(plots.resolve(kind.key() + ".png"), plots.resolve(kind.key() + ".svg")), files, kind.key());
            BufferedImage png = ImageIO.read(files.get(0).toFile());
            assertNotNull(png, kind.key());
            assertEquals(ChartLook.WIDTH, png.getWidth());
            assertEquals(ChartLook.HEIGHT, png.getHeight());
            String svg = Files.readString(files.get(1));
            assertTrue(svg.startsWith("<svg"), svg.substring(0, 40));
            assertTrue(svg.contains("width='1600") && svg.trim().endsWith("</svg>"), kind.key());
        }
    }

    @Test
    void svgIsReproducible() {
        Figures figures = figures(ReportSpec.defaults());
        JFreeChart a = figures.chart(FigureKind.ACCURACY_VS_COMPRESSION).orElseThrow();
        JFreeChart b = figures.chart(FigureKind.ACCURACY_VS_COMPRESSION).orElseThrow();
        assertEquals(ChartFiles.svg(a), ChartFiles.svg(b));
    }

    @Test
    void accuracyChartHasMeanAndStdPerStrategyAndDenseLine() {
        JFreeChart chart = figures(ReportSpec.defaults()).chart(FigureKind.ACCURACY_VS_COMPRESSION).orElseThrow();
        XYPlot plot = chart.getXYPlot();
        YIntervalSeriesCollection data = (YIntervalSeriesCollection) plot.getDataset();
        assertEquals(3, data.getSeriesCount());
        assertEquals("global-magnitude", data.getSeriesKey(0));
        assertEquals(6, data.getItemCount(0));
        // global at 16x: mean over the three seeds of the fixture's curve, std as error bar.
        double[] ys = {ResultsFixture.top1(0, 16, 0), ResultsFixture.top1(0, 16, 1), ResultsFixture.top1(0, 16, 2)};
        SampleStats s = SampleStats.of(ys);
        assertEquals(16.0, data.getXValue(0, 4), 0.0);
        assertEquals(s.mean(), data.getYValue(0, 4), 1e-9);
        assertEquals(s.mean() - s.std(), data.getStartYValue(0, 4), 1e-9);
        assertEquals(s.mean() + s.std(), data.getEndYValue(0, 4), 1e-9);

        LogAxis x = (LogAxis) plot.getDomainAxis();
        assertEquals(2.0, x.getBase(), 0.0);
        assertEquals(1.0, x.getTickUnit().getSize(), 0.0);
        assertFalse(x.isAutoTickUnitSelection());
        assertEquals("16", x.getNumberFormatOverride().format(16.0));

        ValueMarker dense = (ValueMarker) plot.getRangeMarkers(org.jfree.chart.ui.Layer.BACKGROUND).iterator().next();
        assertEquals("dense", dense.getLabel());
        assertEquals(ResultsFixture.DENSE_TOP1, dense.getValue(), 1e-9); // seeds average out to the centre value
    }

    @Test
    void deltaChartIsRelativeToDense() {
        JFreeChart chart = figures(ReportSpec.defaults()).chart(FigureKind.DELTA_TOP1_VS_COMPRESSION).orElseThrow();
        YIntervalSeriesCollection data = (YIntervalSeriesCollection) chart.getXYPlot().getDataset();
        assertEquals(0.0, data.getYValue(0, 0), 1e-9); // compression 1 is the dense control itself
        double expected = SampleStats.of(ResultsFixture.top1(2, 8, 0), ResultsFixture.top1(2, 8, 1),
                ResultsFixture.top1(2, 8, 2)).mean() - ResultsFixture.DENSE_TOP1;
        assertEquals(expected, data.getYValue(2, 3), 1e-9);
    }

    @Test
    void strategiesSubsetAndOrderAreRespectedWithStableColours() {
        ReportSpec spec = new ReportSpec(List.of(FigureKind.ACCURACY_VS_SPEEDUP), null, List.of("random", "global-magnitude"),
                "top1", ReportSpec.RunSelection.all(), ReportSpec.RunSelection.all(), List.of(), EnumSet.of(ImageFormat.PNG));
        XYPlot plot = figures(spec).chart(FigureKind.ACCURACY_VS_SPEEDUP).orElseThrow().getXYPlot();
        assertEquals(List.of("random", "global-magnitude"),
                List.of(plot.getDataset().getSeriesKey(0), plot.getDataset().getSeriesKey(1)));
        XYPlot all = figures(ReportSpec.defaults()).chart(FigureKind.ACCURACY_VS_COMPRESSION).orElseThrow().getXYPlot();
        assertEquals(all.getRenderer().getSeriesPaint(2), plot.getRenderer().getSeriesPaint(0)); // "random" keeps its colour
        assertEquals(Math.pow(32, 0.85), plot.getDataset().getXValue(0, 5), 1e-5); // x is the theoretical speedup
    }

    @Test
    void measuredSpeedupFigureHasTheMeasuredMeansOnXAndADenseSpeedLine() {
        XYPlot plot = figures(ReportSpec.defaults()).chart(FigureKind.ACCURACY_VS_MEASURED_SPEEDUP).orElseThrow()
                .getXYPlot();
        assertEquals("global-magnitude", plot.getDataset().getSeriesKey(0));
        // The fixture measures 1 + 0.4 * (theoretical - 1): at 16x, 1 + 0.4 * (16^0.75 - 1) = 3.8.
        assertEquals(3.8, plot.getDataset().getXValue(0, 4), 1e-4);
        var markers = plot.getDomainMarkers(org.jfree.chart.ui.Layer.BACKGROUND);
        assertEquals(1.0, ((ValueMarker) markers.iterator().next()).getValue());
        assertTrue(plot.getDomainAxis().getLabel().startsWith("Measured speedup"));
    }

    @Test
    void pdfIsOneVectorPageWithTheChartAndIsReproducible(@TempDir Path plots) throws Exception {
        ReportSpec d = ReportSpec.defaults();
        ReportSpec pdf = new ReportSpec(d.figures(), d.title(), d.strategies(), d.metric(), d.densityProfile(),
                d.trainingCurves(), d.compare(), EnumSet.of(ImageFormat.PNG, ImageFormat.PDF));
        List<Path> files = figures(pdf).write(FigureKind.ACCURACY_VS_COMPRESSION, plots);
        Path file = plots.resolve("accuracy-vs-compression.pdf");
        assertEquals(List.of(plots.resolve("accuracy-vs-compression.png"), file), files);
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(new String(bytes, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("%PDF-"));
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(bytes)) {
            assertEquals(1, doc.getNumberOfPages());
            assertEquals(800, doc.getPage(0).getMediaBox().getWidth(), 0.01);
            assertEquals(500, doc.getPage(0).getMediaBox().getHeight(), 0.01);
            // Rendered at the PNG's size, the page shows the same chart: the series' colours where the PNG has them.
            BufferedImage page = new org.apache.pdfbox.rendering.PDFRenderer(doc).renderImage(0, 2f);
            BufferedImage png = ImageIO.read(files.get(0).toFile());
            assertEquals(png.getWidth(), page.getWidth());
            assertEquals(png.getHeight(), page.getHeight());
            java.awt.Color first = (java.awt.Color) figures(pdf).chart(FigureKind.ACCURACY_VS_COMPRESSION)
                    .orElseThrow().getXYPlot().getRenderer().getSeriesPaint(0);
            int inPng = count(png, first);
            int inPdf = count(page, first);
            assertTrue(inPng > 500, "series colour pixels in the PNG: " + inPng);
            assertTrue(Math.abs(inPdf - inPng) < 0.25 * inPng, "PNG " + inPng + ", PDF " + inPdf);
        }
        figures(pdf).write(FigureKind.ACCURACY_VS_COMPRESSION, plots.resolve("again"));
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(plots.resolve("again/accuracy-vs-compression.pdf"))),
                "a rebuilt PDF has the same bytes");
    }

    private static int count(BufferedImage image, java.awt.Color colour) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                java.awt.Color c = new java.awt.Color(image.getRGB(x, y));
                if (Math.abs(c.getRed() - colour.getRed()) + Math.abs(c.getGreen() - colour.getGreen())
                        + Math.abs(c.getBlue() - colour.getBlue()) < 30) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void figuresForAPaperHaveNoTitleAndTheSubtitleIsTheExperimentsName(@TempDir Path dir) throws Exception {
        Path folder = ResultsFixture.write(dir.resolve("run-2024-03-01"), 0);
        Files.writeString(folder.resolve(Experiment.SETTINGS_FILE), "name: lenet5-fashion\nmodel: lenet5\n");
        Figures titled = new Figures(List.of(Experiment.load(folder)), ReportSpec.defaults());
        for (FigureKind kind : List.of(FigureKind.ACCURACY_VS_COMPRESSION, FigureKind.DENSITY_PROFILE,
                FigureKind.TRAINING_CURVES)) {
            JFreeChart chart = titled.chart(kind).orElseThrow();
            assertNotNull(chart.getTitle(), kind.key());
            assertEquals(List.of("lenet5-fashion"), textSubtitles(chart), kind.key()); // not the folder's name
        }
        ReportSpec d = ReportSpec.defaults();
        ReportSpec paper = new ReportSpec(d.figures(), d.title(), d.strategies(), d.metric(), d.densityProfile(),
                d.trainingCurves(), d.compare(), d.formats(), d.references(), false);
        Figures untitled = new Figures(List.of(Experiment.load(folder)), paper);
        for (FigureKind kind : List.of(FigureKind.ACCURACY_VS_COMPRESSION, FigureKind.DENSITY_PROFILE,
                FigureKind.TRAINING_CURVES)) {
            JFreeChart chart = untitled.chart(kind).orElseThrow();
            assertEquals(null, chart.getTitle(), kind.key());
            assertEquals(List.of(), textSubtitles(chart), kind.key());
            assertNotNull(chart.getLegend(), kind.key()); // the legend stays
        }
    }

    private static List<String> textSubtitles(JFreeChart chart) {
        List<String> texts = new java.util.ArrayList<>();
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof org.jfree.chart.title.TextTitle t) {
                texts.add(t.getText());
            }
        }
        return texts;
    }

    @Test
    void measuredSpeedupIsDrawnWithItsSpreadOverSeeds(@TempDir Path dir) throws Exception {
        Path folder = ResultsFixture.write(dir.resolve("noisy"), 0);
        // Measurements that differ between seeds, as timings do: x 0.9, 1.0, 1.1 for seeds 0, 1, 2.
        List<String> lines = Files.readAllLines(folder.resolve(RunsCsv.FILE));
        List<String> header = List.of(lines.get(0).split(",", -1));
        int seedColumn = header.indexOf(RunsCsv.SEED);
        int speedColumn = header.indexOf(RunsCsv.SPEEDUP_MEASURED);
        List<String> noisy = new java.util.ArrayList<>(List.of(lines.get(0)));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (!cells[speedColumn].isEmpty()) {
                double factor = 0.9 + 0.1 * Integer.parseInt(cells[seedColumn]);
                cells[speedColumn] = String.valueOf(Double.parseDouble(cells[speedColumn]) * factor);
            }
            noisy.add(String.join(",", cells));
        }
        Files.write(folder.resolve(RunsCsv.FILE), noisy);
        XYPlot plot = new Figures(List.of(Experiment.load(folder)), ReportSpec.defaults())
                .chart(FigureKind.ACCURACY_VS_MEASURED_SPEEDUP).orElseThrow().getXYPlot();
        var data = (org.jfree.data.xy.IntervalXYDataset) plot.getDataset();
        double x = data.getXValue(0, 4); // global-magnitude at 16x: 3.8 x (0.9, 1.0, 1.1)
        assertEquals(3.8, x, 1e-3);
        double std = SampleStats.of(3.8 * 0.9, 3.8, 3.8 * 1.1).std();
        assertEquals(x - std, data.getStartXValue(0, 4), 1e-3);
        assertEquals(x + std, data.getEndXValue(0, 4), 1e-3);
        assertTrue(((org.jfree.chart.renderer.xy.XYErrorRenderer) plot.getRenderer()).getDrawXError());
        // Against compression, no horizontal bars: the x is set, not measured.
        assertFalse(((org.jfree.chart.renderer.xy.XYErrorRenderer) new Figures(List.of(Experiment.load(folder)),
                ReportSpec.defaults()).chart(FigureKind.ACCURACY_VS_COMPRESSION).orElseThrow().getXYPlot()
                .getRenderer()).getDrawXError());
    }

    @Test
    void densityProfileAveragesLayersOverSeeds() {
        ReportSpec spec = withSelections(new ReportSpec.RunSelection(8.0, List.of("global-magnitude", "random"), List.of()),
                ReportSpec.RunSelection.all());
        var plot = figures(spec).chart(FigureKind.DENSITY_PROFILE).orElseThrow().getCategoryPlot();
        var data = (org.jfree.data.statistics.StatisticalCategoryDataset) plot.getDataset();
        assertEquals(List.of("global-magnitude", "random"), data.getRowKeys());
        assertEquals(List.of(ResultsFixture.LAYERS), data.getColumnKeys());
        assertEquals(1 / 8.0, data.getMeanValue("random", "fc1").doubleValue(), 1e-3);
        double conv1 = Math.round(150 * Math.pow(1 / 8.0, 0.4) * 1.02) / 150.0; // seed 1
        assertTrue(data.getMeanValue("global-magnitude", "conv1").doubleValue() > 0.4);
        assertEquals(conv1, data.getMeanValue("global-magnitude", "conv1").doubleValue(), 0.01);
    }

    @Test
    void densityProfileDefaultsToTheHighestCompression() {
        var plot = figures(ReportSpec.defaults()).chart(FigureKind.DENSITY_PROFILE).orElseThrow().getCategoryPlot();
        var data = (org.jfree.data.statistics.StatisticalCategoryDataset) plot.getDataset();
        assertEquals(1 / 32.0, data.getMeanValue("layer-magnitude", "fc2").doubleValue(), 1e-3);
    }

    @Test
    void trainingCurvesTakeLowestSeedPerStrategyOrExplicitRuns() {
        XYPlot plot = figures(ReportSpec.defaults()).chart(FigureKind.TRAINING_CURVES).orElseThrow().getXYPlot();
        assertEquals(3, plot.getDataset().getSeriesCount());
        assertEquals("global-magnitude (seed 0)", plot.getDataset().getSeriesKey(0));
        assertEquals(10, plot.getDataset().getItemCount(0)); // 6 pretrain + 4 finetune epochs
        assertEquals(6.5, ((ValueMarker) plot.getDomainMarkers(org.jfree.chart.ui.Layer.BACKGROUND).iterator().next()).getValue());

        String id = ResultsFixture.runId("layer-magnitude", 4, 1);
        ReportSpec spec = withSelections(ReportSpec.RunSelection.all(), new ReportSpec.RunSelection(null, List.of(), List.of(id)));
        XYPlot one = figures(spec).chart(FigureKind.TRAINING_CURVES).orElseThrow().getXYPlot();
        assertEquals(1, one.getDataset().getSeriesCount());
        assertEquals("layer-magnitude (seed 1)", one.getDataset().getSeriesKey(0));
    }

    @Test
    void selectionErrorsNameTheKey() {
        ReportSpec badCompression = withSelections(new ReportSpec.RunSelection(64.0, List.of(), List.of()),
                ReportSpec.RunSelection.all());
        String e = assertThrows(ConfigException.class, () -> figures(badCompression).chart(FigureKind.DENSITY_PROFILE)).getMessage();
        assertTrue(e.startsWith("report.density_profile.compression: no successful run at compression 64"), e);

        ReportSpec badRun = withSelections(ReportSpec.RunSelection.all(), new ReportSpec.RunSelection(null, List.of(), List.of("g4s9")));
        e = assertThrows(ConfigException.class, () -> figures(badRun).chart(FigureKind.TRAINING_CURVES)).getMessage();
        assertTrue(e.startsWith("report.training_curves.runs[0]: no run 'g4s9'"), e);

        ReportSpec badStrategy = new ReportSpec(List.of(), null, List.of("global"), "top1", ReportSpec.RunSelection.all(),
                ReportSpec.RunSelection.all(), List.of(), EnumSet.of(ImageFormat.PNG));
        e = assertThrows(ConfigException.class, () -> figures(badStrategy)).getMessage();
        assertTrue(e.startsWith("report.strategies[0]: unknown strategy 'global'"), e);
    }

    @Test
    void denseReferenceOfPreFinetuneMetricFallsBackToTheModelsAccuracy() {
        ReportData data = ReportData.of(List.of(experiment), ReportSpec.defaults());
        Map<String, Double> dense = MetricFigure.denseReference(data, RunsCsv.TOP1_PRE);
        assertEquals(ResultsFixture.DENSE_TOP1, dense.get(""), 1e-9);
    }

    private static ReportSpec withSelections(ReportSpec.RunSelection density, ReportSpec.RunSelection curves) {
        ReportSpec d = ReportSpec.defaults();
        return new ReportSpec(d.figures(), d.title(), d.strategies(), d.metric(), density, curves, d.compare(), d.formats());
    }
}
