package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ConfigException;
import tech.tablesaw.api.Table;

class SummaryTest {
    private static final double T_975_2 = 4.302652730;

    private static Table runs() {
        return Fixtures.runs(
                Fixtures.ok("d0", "global", 1, 0, 0.95, 0.99, 0, 1),
                Fixtures.ok("d1", "global", 1, 1, 0.97, 0.99, 0, 1),
                Fixtures.ok("g0", "global", 4, 0, 0.90, 0.98, 0.50, 3.0),
                Fixtures.ok("g1", "global", 4, 1, 0.92, 0.99, 0.60, 3.2),
                Fixtures.ok("g2", "global", 4, 2, 0.94, 1.00, 0.70, 3.4),
                Fixtures.failed("g3", "global", 4, 3, "out of memory, \"big\" batch"),
                Fixtures.ok("l0", "layer", 4, 0, 0.85, 0.97, 0.40, 2.0),
                Fixtures.failed("l1", "layer", 16, 0, "diverged"));
    }

    @Test
    void aggregatesPerStrategyAndCompression() {
        Table s = Summary.compute(runs());
        assertEquals(List.of("strategy", "compression", "n", "n_failed", "top1_mean", "top1_std", "top1_ci95"),
                s.columnNames().subList(0, 7));
        assertEquals(4, s.rowCount());
        assertEquals(List.of("global", "global", "layer", "layer"), s.stringColumn("strategy").asList());
        assertEquals(List.of(1.0, 4.0, 4.0, 16.0), s.doubleColumn("compression").asList());

        int g4 = 1;
        assertEquals(3, s.intColumn("n").getInt(g4));
        assertEquals(1, s.intColumn("n_failed").getInt(g4));
        assertEquals(0.92, s.doubleColumn("top1_mean").getDouble(g4), 1e-12);
        assertEquals(0.02, s.doubleColumn("top1_std").getDouble(g4), 1e-12);
        assertEquals(T_975_2 * 0.02 / Math.sqrt(3), s.doubleColumn("top1_ci95").getDouble(g4), 1e-8);
        assertEquals(0.99, s.doubleColumn("top5_mean").getDouble(g4), 1e-12);
        assertEquals(0.60, s.doubleColumn("top1_pre_finetune_mean").getDouble(g4), 1e-12);
        assertEquals(3.2, s.doubleColumn("speedup_theoretical_mean").getDouble(g4), 1e-12);
        assertEquals(4.0, s.doubleColumn("compression_actual_mean").getDouble(g4), 1e-12);

        // The dense control has no pre-finetune accuracy: its own count is zero, not two.
        assertTrue(Double.isNaN(s.doubleColumn("top1_pre_finetune_mean").getDouble(0)));
        assertEquals(0.96, s.doubleColumn("top1_mean").getDouble(0), 1e-12);
    }

    @Test
    void singleRunHasNoSpreadAndAllFailedGroupIsCounted() {
        Table s = Summary.compute(runs());
        assertEquals(1, s.intColumn("n").getInt(2));
        assertEquals(0.85, s.doubleColumn("top1_mean").getDouble(2), 1e-12);
        assertTrue(Double.isNaN(s.doubleColumn("top1_std").getDouble(2)));
        assertTrue(Double.isNaN(s.doubleColumn("top1_ci95").getDouble(2)));
        assertEquals(0, s.intColumn("n").getInt(3));
        assertEquals(1, s.intColumn("n_failed").getInt(3));
        assertTrue(Double.isNaN(s.doubleColumn("top1_mean").getDouble(3)));
    }

    @Test
    void carriesUnknownNumericColumns() {
        Table runs = Fixtures.runsWithHeader(Fixtures.HEADER + ",speedup_measured,layers_collapsed",
                Fixtures.ok("a", "s", 2, 0, 0.9, 0.9, 0.8, 2) + ",1.5,1",
                Fixtures.ok("b", "s", 2, 1, 0.9, 0.9, 0.8, 2) + ",1.7,2");
        Table s = Summary.compute(runs);
        assertEquals(1.6, s.doubleColumn("speedup_measured_mean").getDouble(0), 1e-12);
        assertEquals(1.5, s.doubleColumn("layers_collapsed_mean").getDouble(0), 1e-12);
        assertEquals(Math.sqrt(0.5), s.doubleColumn("layers_collapsed_std").getDouble(0), 1e-12);
        // speedup_measured is a core metric, so it comes right after speedup_theoretical.
        List<String> names = s.columnNames();
        assertEquals(names.indexOf("speedup_theoretical_ci95") + 1, names.indexOf("speedup_measured_mean"));
        assertFalse(names.contains("seed_mean"));
    }

    @Test
    void writesCsvWithEmptyCellsForMissingValues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("summary.csv");
        Summary.writeCsv(Summary.compute(runs()), file);
        List<String> lines = Files.readAllLines(file);
        assertEquals(5, lines.size());
        assertTrue(lines.get(0).startsWith("strategy,compression,n,n_failed,top1_mean,top1_std,top1_ci95,top5_mean"),
                lines.get(0));
        assertTrue(lines.get(3).startsWith("layer,4,1,0,0.85,,,"), lines.get(3)); // one number format: 4, not 4.0
        Table back = Table.read().csv(file.toFile());
        assertEquals(0.92, back.doubleColumn("top1_mean").getDouble(1), 1e-12);
    }

    @Test
    void markdownShowsPercentMeanAndConfidence() {
        String md = Summary.toMarkdown(Summary.compute(runs()));
        assertTrue(md.contains("| global | 4 | 3 | 1 | 92.00 ± 4.97 | 99.00 ± 2.48 | 60.00 ± 24.84 | 4.00 ± 0.00 | 3.20 ± 0.50 |"),
                md);
        assertTrue(md.contains("| layer | 4 | 1 | 0 | 85.00 | 97.00 | 40.00 | 4.00 | 2.00 |"), md);
        assertTrue(md.contains("| layer | 16 | 0 | 1 | — |"), md);
    }

    @Test
    void rejectsRunsTableWithoutRequiredColumns() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunsCsv.read(new StringReader("run_id,strategy,top1\nx,y,0.5\n"), "bad.csv"));
        assertTrue(e.getMessage().contains("bad.csv") && e.getMessage().contains("compression"), e.getMessage());
    }
}
