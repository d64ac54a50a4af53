package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.util.CsvFile;
import tech.tablesaw.api.Table;

/** runs.csv files of every version read alike: the number formats of before (1.0, 6.92000e-07, 6.92E-7) and now. */
class RunsCsvFormatsTest {
    private static final String HEADER = "run_id,strategy,compression,seed,status,top1,train_flops,wall_seconds";

    @Test
    void oldAndNewNumberFormatsReadTheSame(@TempDir Path tmp) throws Exception {
        Path now = tmp.resolve("runs.csv");
        CsvFile.write(now, List.of(HEADER.split(",")), List.of(
                Arrays.asList("a", "global", 1.0, 0L, "ok", 0.8734, 6.92e-7, 12.0),
                Arrays.asList("b", "global", 4.0, 0L, "ok", 0.5, 1.5e12, 3.25)));
        assertEquals(List.of(HEADER, "a,global,1,0,ok,0.8734,6.92e-7,12", "b,global,4,0,ok,0.5,1500000000000,3.25"),
                Files.readAllLines(now));
        String runner = HEADER + "\na,global,1,0,ok,0.873400,6.92000e-07,12\nb,global,4,0,ok,0.5,1500000000000,3.25\n";
        String tablesaw = HEADER + "\na,global,1.0,0,ok,0.8734,6.92E-7,12.0\nb,global,4.0,0,ok,0.5,1.5E12,3.25\n";
        Table expected = RunsCsv.read(now);
        for (String old : List.of(runner, tablesaw)) {
            Table t = RunsCsv.read(new StringReader(old), "old runs.csv");
            for (String c : List.of("compression", "top1", "train_flops", "wall_seconds")) {
                assertEquals(expected.doubleColumn(c).asList(), t.doubleColumn(c).asList(), c);
            }
            assertEquals(expected.longColumn("seed").asList(), t.longColumn("seed").asList());
        }
    }
}
