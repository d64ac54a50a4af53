package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** A grid split across folders (machines) gives, combined, the report of the grid run in one folder. */
class PooledFoldersTest {
    @TempDir
    Path tmp;

    @Test
    void foldersOfOneExperimentPoolTheirSeeds() throws Exception {
        Path whole = ResultsFixture.write(tmp.resolve("whole"), 0);
        Path a = ResultsFixture.write(tmp.resolve("machine-a"), 0);
        Path b = ResultsFixture.write(tmp.resolve("machine-b"), 0);
        keepSeeds(a, "0", "1"); // seeds 0 and 1 ran on one machine, seed 2 on the other
        keepSeeds(b, "2");
        for (Path d : List.of(whole, a, b)) {
            Files.writeString(d.resolve(Experiment.SETTINGS_FILE), "name: lenet5-mnist\nmodel: lenet5\n");
        }
        Report.rebuild(whole);
        List<String> notes = new ArrayList<>();
        Path out = tmp.resolve("combined");
        Report.rebuildCombined(List.of(a, b), out, ReportSpec.defaults(), notes::add);

        // the same summary as the one folder: 3 seeds a point, no experiment column
        assertEquals(Files.readString(whole.resolve("summary.csv")), Files.readString(out.resolve("summary.csv")));
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).contains("pooled 2 folders of experiment 'lenet5-mnist'"), notes.get(0));
        assertTrue(notes.get(0).endsWith(": 54 runs"), notes.get(0));
        // each run's curves are read from the folder that holds it
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(Files.size(out.resolve("plots/accuracy-vs-compression.png")) > 10_000);
        assertFalse(md.contains("| experiment |"), md);
    }

    @Test
    void aRunInTwoFoldersCountsOnceAndItsFinishedRecordWins() throws Exception {
        Path a = ResultsFixture.write(tmp.resolve("first"), 0);
        Path b = ResultsFixture.write(tmp.resolve("rerun"), 0);
        // the rerun folder finished the run that failed in the first one
        Path rerunCsv = b.resolve(RunsCsv.FILE);
        List<String> lines = new ArrayList<>(Files.readAllLines(rerunCsv));
        String failedId = ResultsFixture.runId("random", 32, 2);
        String finished = Fixtures.ok(failedId, "random", 32, 2, 0.9, 0.99, 0.85, 10) + ",1000000000000,4";
        lines.replaceAll(l -> l.startsWith(failedId + ",") ? finished : l);
        Files.write(rerunCsv, lines);
        for (Path d : List.of(a, b)) {
            Files.writeString(d.resolve(Experiment.SETTINGS_FILE), "name: lenet5-mnist\nmodel: lenet5\n");
        }
        List<String> notes = new ArrayList<>();
        Path out = tmp.resolve("combined");
        Report.rebuildCombined(List.of(a, b), out, ReportSpec.defaults(), notes::add);

        assertTrue(notes.get(0).endsWith(": 54 runs, 54 found in more than one folder counted once"), notes.get(0));
        Table summary = Table.read().csv(out.resolve("summary.csv").toFile());
        Table random32 = summary.where(summary.stringColumn("strategy").isEqualTo("random")
                .and(summary.numberColumn("compression").isEqualTo(32)));
        assertEquals(3, random32.numberColumn("n").getDouble(0), "the finished record replaces the failed one");
        assertEquals(0, random32.numberColumn("n_failed").getDouble(0));
    }

    @Test
    void differentExperimentsStayApart() throws Exception {
        Path a = ResultsFixture.write(tmp.resolve("lenet5"), 0);
        Path b = ResultsFixture.write(tmp.resolve("lenet300"), -0.05);
        List<String> notes = new ArrayList<>();
        Path out = tmp.resolve("combined");
        Report.rebuildCombined(List.of(a, b), out, ReportSpec.defaults(), notes::add);
        assertEquals(List.of(), notes);
        assertEquals("experiment", Table.read().csv(out.resolve("summary.csv").toFile()).columnNames().get(0));
    }

    private static void keepSeeds(Path dir, String... seeds) throws Exception {
        Path csv = dir.resolve(RunsCsv.FILE);
        List<String> lines = Files.readAllLines(csv);
        List<String> kept = new ArrayList<>(List.of(lines.get(0)));
        int seedColumn = List.of(lines.get(0).split(",")).indexOf(RunsCsv.SEED);
        for (String line : lines.subList(1, lines.size())) {
            if (List.of(seeds).contains(line.split(",")[seedColumn])) {
                kept.add(line);
            }
        }
        Files.write(csv, kept);
    }
}
