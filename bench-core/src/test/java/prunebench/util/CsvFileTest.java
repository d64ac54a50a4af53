package prunebench.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class CsvFileTest {

    @Test
    void oneNumberFormat() {
        assertEquals("1", CsvFile.number(1.0));
        assertEquals("416520", CsvFile.number(416520));
        assertEquals("-3", CsvFile.number(-3.0));
        assertEquals("0.8734", CsvFile.number(0.8734));
        assertEquals("6.92e-7", CsvFile.number(6.92e-7));
        assertEquals("2.5", CsvFile.number(2.5));
        assertEquals("", CsvFile.number(Double.NaN));
        assertEquals("", CsvFile.number(Double.POSITIVE_INFINITY));
        for (double v : new double[] {0.1 + 0.2, 1 / 3.0, 6.92e-7, 12345.678901234, 1e-300}) {
            assertEquals(v, Double.parseDouble(CsvFile.number(v)), 0.0, "round trip of " + v);
        }
    }

    @Test
    void rowsAndTablesWriteTheSameWay(@TempDir Path tmp) throws Exception {
        Path rows = tmp.resolve("rows.csv");
        CsvFile.write(rows, List.of("name", "n", "x", "note"), List.of(
                Arrays.asList("a,b", 2, 1.0, "said \"hi\"\nthen left"),
                Arrays.asList("c", 3L, 6.92e-7, null),
                Arrays.asList("d", null, Double.NaN, "")));
        assertEquals(List.of("name,n,x,note", "\"a,b\",2,1,\"said \"\"hi\"\" then left\"", "c,3,6.92e-7,", "d,,,"),
                Files.readAllLines(rows));

        Table t = Table.create("t", StringColumn.create("name", "a,b", "c"), IntColumn.create("n", 2, 3),
                DoubleColumn.create("x", 1.0, 6.92e-7));
        Path table = tmp.resolve("table.csv");
        CsvFile.write(table, t);
        assertEquals(List.of("name,n,x", "\"a,b\",2,1", "c,3,6.92e-7"), Files.readAllLines(table));
    }
}
