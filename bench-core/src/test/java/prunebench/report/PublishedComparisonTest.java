package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ConfigException;
import tech.tablesaw.api.Table;

/** Our numbers next to published ones: the table and the figure markers, checked against values worked by hand. */
class PublishedComparisonTest {
    @TempDir
    Path tmp;

    /**
     * snip at 1: 93, 94, 95% (mean 94, std 1, CI 4.3027 / sqrt 3 = 2.48); snip at 10: 91, 92, 93% (92 ± 2.48);
     * synflow at 10: one seed, 90%.
     */
    private Path results(String budget) throws Exception {
        Path dir = tmp.resolve("r");
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("run_id,strategy,compression,seed,status,top1,budget\n");
        double[][] snip = {{1, 0.93, 0.94, 0.95}, {10, 0.91, 0.92, 0.93}};
        for (double[] c : snip) {
            for (int s = 0; s < 3; s++) {
                csv.append("snip-c").append((int) c[0]).append("-s").append(s).append(",snip,").append((int) c[0])
                        .append(',').append(s).append(",ok,").append(c[s + 1]).append(',').append(budget).append('\n');
            }
        }
        csv.append("synflow-c10-s0,synflow,10,0,ok,0.90,").append(budget).append('\n');
        Files.writeString(dir.resolve("runs.csv"), csv);
        return dir;
    }

    private Path references() throws Exception {
        Path file = tmp.resolve("refs.csv");
        Files.writeString(file, """
                paper,model,dataset,strategy,compression,sparsity,top1,top1_std,n,source
                p,vgg,c10,snip,1,0,93.51,,3,"Fig. 6, dense"
                p,vgg,c10,snip,10.1,0.9,92.26,0.30,3,Table 1
                p,vgg,c10,synflow,,0.9,93.26,,,Table 1
                p,vgg,c10,grasp,10,0.9,91.84,,3,Table 1
                p,vgg,c10,snip,10.5,,92.00,,3,off by 5%
                """);
        return file;
    }

    private ReportSpec spec(Path refs) {
        ReportSpec d = ReportSpec.defaults();
        return new ReportSpec(List.of(FigureKind.ACCURACY_VS_COMPRESSION), "t", d.strategies(), d.metric(),
                d.densityProfile(), d.trainingCurves(), d.compare(), d.formats(), List.of(refs));
    }

    @Test
    void tableMatchesByLabelAndCompressionAndJudgesAgreementAsWorkedByHand() throws Exception {
        Path dir = results("1");
        Path report = Report.rebuild(dir, spec(references()));
        String md = Files.readString(report);
        assertTrue(md.contains("## Published results"), md);
        assertTrue(md.contains("| strategy | compression | ours (mean ± CI, n) | published (mean ± std, n) | difference "
                + "| agrees? |"), md);
        // no published spread counts 0.5: sqrt(2.484^2 + 0.5^2) = 2.53 > the default agreement_bound of 2
        assertTrue(md.contains("| snip | 1 | 94.00 ± 2.48 (n=3) | 93.51 (n=3) | +0.49 | inconclusive (±2.53) |"), md);
        // h_pub = 4.3027 * 0.30 / sqrt 3 = 0.745; sqrt(2.484^2 + 0.745^2) = 2.59; 10 is within 2% of 10.1; the
        // interval is wider than the default agreement_bound of 2 points: no verdict
        assertTrue(md.contains("| snip | 10.1 | 92.00 ± 2.48 (n=3) | 92.26 ± 0.30 (n=3) | -0.26 | inconclusive "
                + "(±2.59) |"), md);
        // compression from sparsity 0.9; one seed: no CI; -3.26 is outside 0.5 points
        assertTrue(md.contains("| synflow | 10 | 90.00 (n=1) | 93.26 | -3.26 | no (±0.50) |"), md);
        assertTrue(md.contains("| grasp | 10 | not run | 91.84 (n=3) | — | — |"), md);
        assertTrue(md.contains("| snip | 10.5 | not run | 92.00 (n=3) | — | — |"), md); // 5% away: no match
        assertFalse(md.contains("Scaled protocol"), md);

        Table csv = Table.read().csv(dir.resolve(PublishedComparison.FILE).toFile());
        assertEquals(5, csv.rowCount());
        assertEquals(2.5935, csv.doubleColumn("tolerance").get(1), 1e-4);
        assertEquals(List.of("inconclusive", "inconclusive", "no", "not run", "not run"),
                csv.stringColumn("verdict").asList());
        assertEquals(List.of("", "", "false", "", ""), csv.column("agrees").asList().stream()
                .map(v -> v == null ? "" : String.valueOf(v)).toList());
        assertEquals("Fig. 6, dense", csv.stringColumn("source").get(0));
        // a label the runs have, at a compression the grid does not have, says so and names the grid's points
        assertEquals("compression 10.5 is not in the grid (snip ran at 1, 10)",
                csv.stringColumn("not_run_reason").get(4));
    }

    @Test
    void runsThatEndedAwayFromTheirGridCompressionSayWhere() throws Exception {
        // network surgery at a grid value of 56 ending at 50, 52, 54 (mean 52: 7% off, more than the 2% of a match)
        Path dir = tmp.resolve("moved");
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("run_id,strategy,compression,seed,status,top1,compression_actual\n");
        double[] actual = {50, 52, 54};
        for (int s = 0; s < 3; s++) {
            csv.append("dns-c56-s").append(s).append(",dns,56,").append(s).append(",ok,0.98,").append(actual[s])
                    .append('\n');
            csv.append("dns-c1-s").append(s).append(",dns,1,").append(s).append(",ok,0.98,1\n");
        }
        Files.writeString(dir.resolve("runs.csv"), csv);
        Path refs = tmp.resolve("moved-refs.csv");
        Files.writeString(refs, """
                paper,model,dataset,strategy,compression,sparsity,top1,top1_std,n,source
                g,lenet,mnist,dns,1,0,97.72,,1,dense
                g,lenet,mnist,dns,56,,98.01,,1,Table 1
                """);
        String md = Files.readString(Report.rebuild(dir, spec(refs)));
        assertTrue(md.contains("| dns | 56 (ours ended at 52.0) | 98.00 ± 0.00 (n=3) |"), md);
        assertTrue(md.contains("| dns | 1 | 98.00"), md); // at its grid value: nothing added
        Table table = Table.read().csv(dir.resolve(PublishedComparison.FILE).toFile());
        assertEquals(52.0, table.numberColumn("ours_compression_actual").getDouble(1), 1e-9);
    }

    @Test
    void publishedPointsAreHollowMarkersInTheStrategyColourWithTheirOwnLegendEntry() throws Exception {
        Path dir = results("1");
        ReportData data = ReportData.of(List.of(Experiment.load(dir)), spec(references()));
        JFreeChart chart = new Figures(data).chart(FigureKind.ACCURACY_VS_COMPRESSION).orElseThrow();
        XYPlot plot = chart.getXYPlot();
        assertEquals(2, plot.getDatasetCount());
        XYDataset published = plot.getDataset(1);
        assertEquals(2, published.getSeriesCount()); // grasp has no runs: not drawn
        assertEquals("snip (published)", published.getSeriesKey(0));
        assertEquals(3, published.getItemCount(0));
        assertEquals(1, published.getXValue(0, 0), 1e-12);
        assertEquals(0.9351, published.getYValue(0, 0), 1e-12);
        assertEquals(10.1, published.getXValue(0, 1), 1e-12);
        assertEquals(0.9226, published.getYValue(0, 1), 1e-12);
        assertEquals("synflow (published)", published.getSeriesKey(1));
        assertEquals(10, published.getXValue(1, 0), 1e-9);
        assertEquals(0.9326, published.getYValue(1, 0), 1e-12);

        XYLineAndShapeRenderer markers = (XYLineAndShapeRenderer) plot.getRenderer(1);
        assertFalse(markers.getDefaultLinesVisible());
        assertTrue(markers.getUseFillPaint());
        assertEquals(Color.WHITE, markers.getSeriesFillPaint(0));
        // the same colour as our series of that strategy (dataset 0: snip is series 0, synflow series 1)
        assertEquals(plot.getRenderer(0).getSeriesPaint(0), markers.getSeriesPaint(0));
        assertEquals(plot.getRenderer(0).getSeriesPaint(1), markers.getSeriesPaint(1));
        assertEquals(List.of("snip", "synflow", "snip (published)", "synflow (published)"), legend(plot));
        // the published 93.51% stays in view
        assertTrue(plot.getRangeAxis().getRange().contains(0.9351));
    }

    private static List<String> legend(XYPlot plot) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < plot.getLegendItems().getItemCount(); i++) {
            out.add(plot.getLegendItems().get(i).getLabel());
        }
        return out;
    }

    @Test
    void scaledRunsGetABanner() throws Exception {
        Path dir = results("0.05");
        String md = Files.readString(Report.rebuild(dir, spec(references())));
        assertTrue(md.contains("> **Scaled protocol (budget 0.05)**"), md);
        assertTrue(md.contains("_Scaled protocol: the comparison only checks the plumbing._"), md);
    }

    @Test
    void badReferenceFilesNameFileLineAndColumn() throws Exception {
        Path file = tmp.resolve("bad.csv");
        Files.writeString(file, "paper,model,dataset,strategy,compression,sparsity,top1,top1_std,n,source\n"
                + "p,m,d,snip,10,,0.9x,,3,s\n");
        ConfigException e = assertThrows(ConfigException.class, () -> References.load(file));
        assertEquals(file + ":2: top1 (percent): expected a number, got '0.9x'", e.getMessage());
        Files.writeString(file, "paper,model,dataset,strategy,compression,sparsity,top1,n,source\n");
        e = assertThrows(ConfigException.class, () -> References.load(file));
        assertTrue(e.getMessage().startsWith(file + ":1: missing column(s) [top1_std]"), e.getMessage());
        Files.writeString(file, "paper,model,dataset,strategy,compression,sparsity,top1,top1_std,n,source\n"
                + "p,m,d,snip,0.5,,93,,3,s\n");
        e = assertThrows(ConfigException.class, () -> References.load(file));
        assertEquals(file + ":2: compression: must be in [1, inf], got 0.5", e.getMessage());
        ConfigException missing = assertThrows(ConfigException.class,
                () -> References.load(tmp.resolve("absent.csv")));
        assertTrue(missing.getMessage().startsWith("references: no such file " + tmp.resolve("absent.csv")));
    }

    @Test
    void theReportSectionAcceptsReferences() {
        ReportSpec spec = ReportSpec.parse(java.util.Map.of("references", List.of("a.csv", "b.csv")));
        assertEquals(List.of(Path.of("a.csv"), Path.of("b.csv")), spec.references());
        assertEquals(List.of(Path.of("a.csv"), Path.of("b.csv"), Path.of("c.csv")),
                spec.withReferences(List.of(Path.of("b.csv"), Path.of("c.csv"))).references());
    }
}
