package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ConfigException;
import tech.tablesaw.api.Table;

class ReportTest {
    @TempDir
    Path tmp;

    private static ReportSpec spec(List<FigureKind> figures, List<ReportSpec.Pair> compare) {
        ReportSpec d = ReportSpec.defaults();
        return new ReportSpec(figures, "LeNet-5 on MNIST", d.strategies(), d.metric(), d.densityProfile(), d.trainingCurves(),
                compare, d.formats());
    }

    @Test
    void rebuildWritesTablesFiguresAndReport() throws Exception {
        Path results = ResultsFixture.write(tmp.resolve("lenet5"), 0);
        Path report = Report.rebuild(results, spec(List.of(FigureKind.values()),
                List.of(new ReportSpec.Pair("global-magnitude", "random"))));

        assertEquals(results.resolve("report.md"), report);
        Table summary = Table.read().csv(results.resolve("summary.csv").toFile());
        assertEquals(18, summary.rowCount()); // 3 strategies x 6 compressions
        assertEquals(2, summary.where(summary.intColumn("n_failed").isEqualTo(1)).intColumn("n").get(0)); // random 32x
        assertTrue(Files.readString(results.resolve("summary.md")).contains("| global-magnitude | 16 | 3 | 0 |"));

        Table comparison = Table.read().csv(results.resolve("comparison-global-magnitude-vs-random.csv").toFile());
        assertEquals(6, comparison.rowCount());
        assertEquals(2, comparison.intColumn("n_pairs").get(5)); // seed 2 of random failed at 32x

        for (FigureKind kind : FigureKind.values()) {
            BufferedImage png = ImageIO.read(results.resolve("plots/" + kind.key() + ".png").toFile());
            assertEquals(1600, png.getWidth(), kind.key());
            assertTrue(Files.readString(results.resolve("plots/" + kind.key() + ".svg")).startsWith("<svg"));
        }

        String md = Files.readString(report);
        assertTrue(md.startsWith("# LeNet-5 on MNIST\n\nmodel lenet5, dataset mnist; 54 runs, 53 successful, 1 failed; seeds 0, 1, 2.\n"), md);
        assertTrue(md.contains("![accuracy-vs-compression](plots/accuracy-vs-compression.png)"), md);
        assertTrue(md.contains("Also as [SVG](plots/density-profile.svg)."), md);
        assertTrue(md.contains("### global-magnitude vs random"), md);
        assertTrue(md.contains("[comparison-global-magnitude-vs-random.csv](comparison-global-magnitude-vs-random.csv)"), md);
        assertTrue(md.contains("| r32s2 | random | 32 | 2 | loss became NaN at epoch 2 |"), md);
        assertTrue(md.contains("## Settings\n\nresolved-experiment.yaml:\n\n```yaml\nname: lenet5\nmodel: lenet5\n"), md);
    }

    @Test
    void resultsWithoutSpeedupMeasuredHaveNoMeasuredSpeedupSection() throws Exception {
        Path results = ResultsFixture.write(tmp.resolve("older"), 0);
        Path csv = results.resolve(RunsCsv.FILE);
        // Drop the last column, as runs.csv was written before speedup_measured existed.
        List<String> lines = Files.readAllLines(csv).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
        Files.write(csv, lines);
        Path report = Report.rebuild(results, spec(List.of(FigureKind.values()), List.of()));
        assertFalse(Files.exists(results.resolve("plots/accuracy-vs-measured-speedup.png")));
        assertTrue(Files.exists(results.resolve("plots/accuracy-vs-speedup.png")));
        assertFalse(Files.readString(report).contains("measured speedup"));
    }

    @Test
    void rebuildIsReproducible() throws Exception {
        Path results = ResultsFixture.write(tmp.resolve("again"), 0);
        ReportSpec spec = spec(List.of(FigureKind.ACCURACY_VS_COMPRESSION), List.of());
        Report.rebuild(results, spec);
        List<String> first = contents(results);
        Report.rebuild(results, spec);
        assertEquals(first, contents(results));
    }

    private static List<String> contents(Path dir) throws Exception {
        return Stream.of("report.md", "summary.csv", "summary.md", "plots/accuracy-vs-compression.svg")
                .map(f -> {
                    try {
                        return Files.readString(dir.resolve(f));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
    }

    @Test
    void rebuildWithoutSpecUsesTheSavedReportSection() throws Exception {
        Path results = ResultsFixture.write(tmp.resolve("saved"), 0);
        Files.writeString(results.resolve(Experiment.SETTINGS_FILE), """
                name: saved
                report:
                  figures: [delta-top1-vs-compression]
                  strategies: [random, layer-magnitude]
                  format: [png]
                """);
        Report.rebuild(results);
        try (Stream<Path> plots = Files.list(results.resolve("plots"))) {
            assertEquals(List.of("delta-top1-vs-compression.png"), plots.map(p -> p.getFileName().toString()).toList());
        }
        String summaryMd = Files.readString(results.resolve("summary.md"));
        assertFalse(summaryMd.contains("global-magnitude"));
        assertTrue(summaryMd.indexOf("| random |") < summaryMd.indexOf("| layer-magnitude |"), summaryMd);
        // summary.csv keeps every strategy.
        assertEquals(18, Table.read().csv(results.resolve("summary.csv").toFile()).rowCount());
    }

    @Test
    void combinedReportLabelsSeriesByExperiment() throws Exception {
        Path a = ResultsFixture.write(tmp.resolve("lenet5"), 0);
        Path b = ResultsFixture.write(tmp.resolve("lenet300"), -0.05);
        Path out = tmp.resolve("combined");
        ReportSpec spec = spec(List.of(FigureKind.ACCURACY_VS_COMPRESSION, FigureKind.DENSITY_PROFILE),
                List.of(new ReportSpec.Pair("layer-magnitude", "random")));
        Path report = Report.rebuildCombined(List.of(a, b), out, spec, note -> fail("nothing to pool: " + note));

        Table summary = Table.read().csv(out.resolve("summary.csv").toFile());
        assertEquals("experiment", summary.columnNames().get(0));
        assertEquals(36, summary.rowCount());
        Table comparison = Table.read().csv(out.resolve("comparison-layer-magnitude-vs-random.csv").toFile());
        assertEquals(12, comparison.rowCount()); // 6 compressions in each experiment
        assertTrue(Files.size(out.resolve("plots/accuracy-vs-compression.png")) > 10_000);

        Figures figures = new Figures(List.of(Experiment.load(a), Experiment.load(b)), spec);
        XYPlot plot = figures.chart(FigureKind.ACCURACY_VS_COMPRESSION).orElseThrow().getXYPlot();
        assertEquals(6, plot.getDataset().getSeriesCount());
        assertEquals("lenet5/global-magnitude", plot.getDataset().getSeriesKey(0));
        assertEquals("lenet300/global-magnitude", plot.getDataset().getSeriesKey(3));
        // Same strategy, same colour; the experiment changes the dash pattern.
        assertEquals(plot.getRenderer().getSeriesPaint(0), plot.getRenderer().getSeriesPaint(3));
        assertFalse(plot.getRenderer().getSeriesStroke(0).equals(plot.getRenderer().getSeriesStroke(3)));
        assertEquals(2, plot.getRangeMarkers(org.jfree.chart.ui.Layer.BACKGROUND).size()); // one dense line each
        ReportData data = ReportData.of(List.of(Experiment.load(a), Experiment.load(b)), spec);
        assertEquals(ResultsFixture.DENSE_TOP1 - 0.05, MetricFigure.denseReference(data, RunsCsv.TOP1).get("lenet300"), 1e-9);

        String md = Files.readString(report);
        assertTrue(md.contains("- **lenet5**: model lenet5, dataset mnist; 54 runs"), md);
        assertTrue(md.contains("### lenet300\n\nresolved-experiment.yaml:"), md);
    }

    @Test
    void unknownStrategyInComparisonNamesTheKey() throws Exception {
        Path results = ResultsFixture.write(tmp.resolve("bad"), 0);
        ReportSpec spec = spec(List.of(), List.of(new ReportSpec.Pair("global-magnitude", "randm")));
        String e = assertThrows(ConfigException.class, () -> Report.rebuild(results, spec)).getMessage();
        assertTrue(e.startsWith("report.compare[0][1]: unknown strategy 'randm' (did you mean 'random'?)"), e);
    }

    @Test
    void missingRunsCsvIsReported() {
        String e = assertThrows(ConfigException.class, () -> Report.rebuild(tmp, ReportSpec.defaults())).getMessage();
        assertTrue(e.contains("runs.csv") && e.contains("no such file"), e);
    }

    @Test
    void onlyRequestedFormatsAreWritten() throws Exception {
        Path results = ResultsFixture.write(tmp.resolve("svgonly"), 0);
        ReportSpec d = ReportSpec.defaults();
        Report.rebuild(results, new ReportSpec(List.of(FigureKind.TOP5_VS_SPEEDUP), null, List.of(), "top1",
                d.densityProfile(), d.trainingCurves(), List.of(), EnumSet.of(ImageFormat.SVG)));
        assertTrue(Files.exists(results.resolve("plots/top5-vs-speedup.svg")));
        assertFalse(Files.exists(results.resolve("plots/top5-vs-speedup.png")));
        assertTrue(Files.readString(results.resolve("report.md")).contains("![top5-vs-speedup](plots/top5-vs-speedup.svg)"));
    }

    @Test
    void aFullDiskLeavesEveryReportFileWholeNoTemporaryAndNamesTheFile() throws Exception {
        Path results = ResultsFixture.write(tmp.resolve("full"), 0);
        Report.rebuild(results, ReportSpec.defaults());
        for (String name : List.of("accuracy-vs-compression.png", "summary.csv", "report.md")) {
            Path file = name.endsWith(".png") ? results.resolve("plots").resolve(name) : results.resolve(name);
            byte[] before = Files.readAllBytes(file);
            System.setProperty("prunebench.inject.enospc", name);
            try {
                java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
                        java.io.UncheckedIOException.class, () -> Report.rebuild(results, ReportSpec.defaults()));
                assertEquals("cannot write " + file + ": No space left on device", e.getCause().getMessage());
            } finally {
                System.clearProperty("prunebench.inject.enospc");
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(file), name);
            try (var files = Files.walk(results)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), name);
            }
        }
    }
}
