package prunebench.util;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The one way prunebench writes a table as CSV ({@code runs.csv}, {@code summary.csv}, the comparisons): univocity's
 * writer (Tablesaw's own), written atomically, every number in {@link #number} form, a missing value as an empty cell.
 */
public final class CsvFile {
    private CsvFile() {}

    /**
     * Numbers as the tables show them: a whole number without a decimal point ({@code 1}, {@code 416520}), any other
     * the shortest digits that read back as the same double, with a lower-case exponent ({@code 0.8734},
     * {@code 6.92e-7}); NaN and infinities are missing values (empty). Every CSV reader (pandas, R, Tablesaw) reads
     * this, and the files written before it ({@code 1.0}, {@code 6.92000e-07}, {@code 6.92E-7}) read the same.
     */
    public static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v).replace("E", "e");
    }

    /**
     * A cell: numbers through {@link #number}, null as empty, anything else as its text on one line (a row is a line,
     * for grep and wc, even when an error message spans several).
     */
    static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double || v instanceof Float) {
            return number(((Number) v).doubleValue());
        }
        return v.toString().replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    /** Writes {@code header} and {@code rows} to {@code file}, atomically (temporary file, then rename). */
    public static void write(Path file, List<String> header, List<? extends List<?>> rows)
            throws WriteFailedException {
        AtomicFiles.write(file, out -> {
            Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            CsvWriterSettings settings = new CsvWriterSettings();
            settings.getFormat().setLineSeparator("\n");
            settings.setNullValue("");
            settings.setEmptyValue("");
            settings.setQuoteEscapingEnabled(true); // a value with a quote is quoted, its quotes doubled (RFC 4180)
            CsvWriter csv = new CsvWriter(text, settings);
            csv.writeHeaders(header);
            for (List<?> row : rows) {
                csv.writeRow(row.stream().map(CsvFile::cell).toArray());
            }
            csv.flush();
            text.flush(); // not closed: AtomicFiles forces and closes the file
        });
    }

    /** A Tablesaw table, its numbers through {@link #number}. */
    public static void write(Path file, Table table) throws WriteFailedException {
        List<String> header = table.columnNames();
        List<List<Object>> rows = new ArrayList<>();
        for (int r = 0; r < table.rowCount(); r++) {
            List<Object> row = new ArrayList<>();
            for (Column<?> c : table.columns()) {
                row.add(c.isMissing(r) ? null : c.get(r));
            }
            rows.add(row);
        }
        write(file, header, rows);
    }
}
