package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ConfigException;
import tech.tablesaw.api.Table;

/** Runs of one label with different settings are separate series, everywhere in a report. */
class SeriesNamesTest {
    private static final String LR_001 = "random (finetune.optimizer.lr=0.01)";
    private static final String LR_002 = "random (finetune.optimizer.lr=0.02)";

    @TempDir
    Path tmp;

    private static String row(String okRow, String config, String lr) {
        return okRow + "," + config + "," + lr;
    }

    private Path results(String... extraRows) throws Exception {
        List<String> rows = new java.util.ArrayList<>(List.of(
                row(Fixtures.ok("r1s0a", "random", 1, 0, 0.98, 1, 0.98, 1), "aaaaaaaa", "0.01"),
                row(Fixtures.ok("r1s1a", "random", 1, 1, 0.97, 1, 0.97, 1), "aaaaaaaa", "0.01"),
                row(Fixtures.ok("r4s0a", "random", 4, 0, 0.90, 1, 0.5, 2), "aaaaaaaa", "0.01"),
                row(Fixtures.ok("r4s1a", "random", 4, 1, 0.92, 1, 0.5, 2), "aaaaaaaa", "0.01"),
                row(Fixtures.ok("r1s0b", "random", 1, 0, 0.96, 1, 0.96, 1), "bbbbbbbb", "0.02"),
                row(Fixtures.ok("r4s0b", "random", 4, 0, 0.80, 1, 0.5, 2), "bbbbbbbb", "0.02"),
                row(Fixtures.ok("m1s0", "magnitude", 1, 0, 0.98, 1, 0.98, 1), "cccccccc", "0.01"),
                row(Fixtures.ok("m1s1", "magnitude", 1, 1, 0.97, 1, 0.97, 1), "cccccccc", "0.01"),
                row(Fixtures.ok("m4s0", "magnitude", 4, 0, 0.95, 1, 0.9, 2), "cccccccc", "0.01"),
                row(Fixtures.ok("m4s1", "magnitude", 4, 1, 0.94, 1, 0.9, 2), "cccccccc", "0.01")));
        rows.addAll(List.of(extraRows));
        Path dir = tmp.resolve("lenet5");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("runs.csv"), Fixtures.HEADER + ",config,finetune.optimizer.lr\n"
                + String.join("\n", rows) + "\n");
        return dir;
    }

    private static ReportSpec spec(List<String> strategies, List<ReportSpec.Pair> compare) {
        ReportSpec d = ReportSpec.defaults();
        return new ReportSpec(List.of(FigureKind.ACCURACY_VS_COMPRESSION), null, strategies, d.metric(),
                d.densityProfile(), d.trainingCurves(), compare, java.util.Set.of(ImageFormat.SVG));
    }

    @Test
    void summaryGroupsByLabelConfigAndCompressionAndNamesTheDifferingSetting() throws Exception {
        Path dir = results();
        Report.rebuild(dir, spec(List.of(), List.of(new ReportSpec.Pair("magnitude", LR_001))));
        Table summary = Table.read().csv(dir.resolve("summary.csv").toFile());
        Table c4 = summary.where(summary.numberColumn("compression").isEqualTo(4));
        assertEquals(3, c4.rowCount(), summary.print());
        Table a = c4.where(c4.stringColumn("strategy").isEqualTo(LR_001));
        assertEquals(2, a.intColumn("n").getInt(0));
        assertEquals(0.91, a.doubleColumn("top1_mean").getDouble(0), 1e-9);
        assertEquals("aaaaaaaa", a.stringColumn("config").get(0));
        Table b = c4.where(c4.stringColumn("strategy").isEqualTo(LR_002));
        assertEquals(1, b.intColumn("n").getInt(0));
        assertEquals(0.80, b.doubleColumn("top1_mean").getDouble(0), 1e-9);
        assertEquals(1, c4.where(c4.stringColumn("strategy").isEqualTo("magnitude")).rowCount(),
                "a label with one config keeps its plain name");

        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("| " + LR_002 + " | 4 | 1 | 0 | 80.00 |"), md);
        assertTrue(md.contains("### magnitude vs " + LR_001), md);
        assertTrue(md.contains("| " + LR_002 + " | bbbbbbbb | 2 | finetune.optimizer.lr=0.02 |"), md);
        String svg = Files.readString(dir.resolve("plots/accuracy-vs-compression.svg"));
        assertTrue(svg.contains(LR_001) && svg.contains(LR_002), "the legend names the learning rate");
    }

    @Test
    void aLabelStandsForAllItsSeriesButAComparisonMustNameOne() throws Exception {
        Path dir = results();
        ReportData data = ReportData.of(List.of(Experiment.load(dir)), spec(List.of("random"), List.of()));
        assertEquals(List.of(LR_001, LR_002), data.shownStrategies());
        ConfigException e = assertThrows(ConfigException.class, () -> Report.rebuild(dir,
                spec(List.of(), List.of(new ReportSpec.Pair("magnitude", "random")))));
        assertEquals("report.compare[0][1]: 'random' has runs of 2 different settings here: " + LR_001 + "; " + LR_002
                + "; name one of them", e.getMessage());
    }

    @Test
    void denseRunsOfDifferentSettingsGiveNoPooledDenseLine() throws Exception {
        ReportData data = ReportData.of(List.of(Experiment.load(results())), spec(List.of(), List.of()));
        assertTrue(MetricFigure.denseReference(data, RunsCsv.TOP1).isEmpty());
        Path same = tmp.resolve("same");
        Files.createDirectories(same);
        Files.writeString(same.resolve("runs.csv"), Files.readString(results().resolve("runs.csv"))
                .replace("bbbbbbbb,0.02", "bbbbbbbb,0.01"));
        ReportData one = ReportData.of(List.of(Experiment.load(same)), spec(List.of(), List.of()));
        assertEquals(((0.98 + 0.96 + 0.98) / 3 + 0.97) / 2, MetricFigure.denseReference(one, RunsCsv.TOP1).get(""), 1e-9);
    }

    @Test
    void runsWithoutRecordedSettingsAreASeriesOfTheirOwn() throws Exception {
        Path dir = results(row(Fixtures.ok("old", "random", 4, 0, 0.5, 1, 0.5, 2), "", ""));
        ReportData data = ReportData.of(List.of(Experiment.load(dir)), spec(List.of(), List.of()));
        assertEquals(List.of("magnitude", LR_001, LR_002, "random (settings not recorded)"), data.shownStrategies());
    }

    @Test
    void aPairedComparisonOfRawRunsRefusesToPoolConfigs() throws Exception {
        Table raw = Experiment.load(results()).runs();
        ConfigException e = assertThrows(ConfigException.class,
                () -> PairedComparison.compare(raw, "magnitude", "random", RunsCsv.TOP1));
        assertEquals("strategy 'random' has runs of 2 configs [aaaaaaaa, bbbbbbbb]; compare one config at a time",
                e.getMessage());
    }
}
