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

class PairedComparisonTest {

    private static Table runs() {
        return Fixtures.runs(
                Fixtures.ok("d0a", "a", 1, 0, 0.95, 0.99, 0, 1),
                Fixtures.ok("d1a", "a", 1, 1, 0.96, 0.99, 0, 1),
                Fixtures.ok("d0b", "b", 1, 0, 0.95, 0.99, 0, 1),
                Fixtures.ok("d1b", "b", 1, 1, 0.96, 0.99, 0, 1),
                Fixtures.ok("a0", "a", 8, 0, 0.91, 0.99, 0.5, 4),
                Fixtures.ok("a1", "a", 8, 1, 0.93, 0.99, 0.5, 4),
                Fixtures.ok("a2", "a", 8, 2, 0.95, 0.99, 0.5, 4),
                Fixtures.ok("a3", "a", 8, 3, 0.10, 0.99, 0.5, 4), // seed 3 has no partner in b: ignored
                Fixtures.ok("b0", "b", 8, 0, 0.90, 0.99, 0.5, 4),
                Fixtures.ok("b1", "b", 8, 1, 0.91, 0.99, 0.5, 4),
                Fixtures.ok("b2", "b", 8, 2, 0.92, 0.99, 0.5, 4),
                Fixtures.failed("b3", "b", 8, 3, "nan loss"),
                Fixtures.ok("a4", "a", 32, 0, 0.80, 0.9, 0.5, 9)); // no b at 32: no row
    }

    @Test
    void pairedTestOnSharedSeeds() {
        Table c = PairedComparison.compare(runs(), "a", "b", "top1");
        assertEquals(List.of(1.0, 8.0), c.doubleColumn("compression").asList());
        int r = 1;
        assertEquals(3, c.intColumn("n_pairs").getInt(r));
        assertEquals(0.93, c.doubleColumn("mean_a").getDouble(r), 1e-12);
        assertEquals(0.91, c.doubleColumn("mean_b").getDouble(r), 1e-12);
        // d = (0.01, 0.02, 0.03): mean 0.02, s = 0.01, t = 0.02 / (0.01 / sqrt 3) = 2 sqrt 3 with 2 df.
        assertEquals(0.02, c.doubleColumn("diff_mean").getDouble(r), 1e-12);
        assertEquals(0.01, c.doubleColumn("diff_std").getDouble(r), 1e-12);
        assertEquals(2 * Math.sqrt(3), c.doubleColumn("t").getDouble(r), 1e-9);
        assertEquals(2, c.intColumn("df").getInt(r));
        // With 2 df the cdf is 1/2 + t / (2 sqrt(2 + t^2)), so p = 1 - t / sqrt(2 + t^2) = 1 - sqrt(12/14) = 0.07418.
        assertEquals(1 - Math.sqrt(12.0 / 14.0), c.doubleColumn("p_value").getDouble(r), 1e-10);
        assertEquals(0.074180, c.doubleColumn("p_value").getDouble(r), 1e-6);
        double half = 4.302652730 * 0.01 / Math.sqrt(3);
        assertEquals(0.02 - half, c.doubleColumn("diff_ci95_low").getDouble(r), 1e-8);
        assertEquals(0.02 + half, c.doubleColumn("diff_ci95_high").getDouble(r), 1e-8);
    }

    @Test
    void identicalDenseControlHasNoTest() {
        Table c = PairedComparison.compare(runs(), "a", "b", "top1");
        assertEquals(2, c.intColumn("n_pairs").getInt(0));
        assertEquals(0.0, c.doubleColumn("diff_mean").getDouble(0), 1e-12);
        assertTrue(Double.isNaN(c.doubleColumn("p_value").getDouble(0)));
    }

    @Test
    void constantNonZeroDifferenceIsConclusive() {
        Table runs = Fixtures.runs(
                Fixtures.ok("a0", "a", 2, 0, 0.90, 0.9, 0.5, 2), Fixtures.ok("a1", "a", 2, 1, 0.80, 0.9, 0.5, 2),
                Fixtures.ok("b0", "b", 2, 0, 0.85, 0.9, 0.5, 2), Fixtures.ok("b1", "b", 2, 1, 0.75, 0.9, 0.5, 2));
        Table c = PairedComparison.compare(runs, "a", "b", "top1");
        assertEquals(0.0, c.doubleColumn("p_value").getDouble(0), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, c.doubleColumn("t").getDouble(0), 0.0);
    }

    @Test
    void writesCsvAndMarkdown(@TempDir Path dir) throws Exception {
        Table c = PairedComparison.compare(runs(), "a", "b", "top1");
        Path file = dir.resolve(PairedComparison.fileName("a", "b"));
        PairedComparison.writeCsv(c, file);
        assertEquals("comparison-a-vs-b.csv", file.getFileName().toString());
        List<String> lines = Files.readAllLines(file);
        assertEquals("a,b,metric,compression,n_pairs,mean_a,mean_b,diff_mean,diff_std,diff_ci95_low,diff_ci95_high,t,df,p_value",
                lines.get(0));
        assertEquals(3, lines.size());
        String md = PairedComparison.toMarkdown(c);
        assertTrue(md.contains("| 8 | 3 | 93.00 | 91.00 | 2.00 | [-0.48, 4.48] | 0.074 |"), md);
    }

    @Test
    void fileNamesAreSanitised() {
        assertEquals("comparison-global_mag_x2-vs-l1-norm.csv", PairedComparison.fileName("global mag/x2", "l1-norm"));
    }

    @Test
    void unknownStrategyIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> PairedComparison.compare(runs(), "a", "bb", "top1"));
        assertTrue(e.getMessage().contains("'bb'") && e.getMessage().contains("did you mean 'b'"), e.getMessage());
    }
}
