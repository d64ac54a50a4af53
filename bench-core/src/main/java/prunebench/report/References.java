package prunebench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import prunebench.config.ConfigException;

/**
 * Published results to compare with: CSV files (comma-separated, {@code .} as the decimal point, RFC 4180 quotes; a
 * UTF-8 byte-order mark and CRLF line ends are accepted) with the columns
 * {@code paper, model, dataset, strategy, compression, sparsity, top1, top1_std, n, source} (any order; other
 * columns are ignored), where {@code top1} may be replaced or accompanied by {@code error} (papers print the error:
 * top1 = 100 - error), and an optional {@code unit} column, {@code percent} (the default) or {@code fraction}
 * (runs.csv's unit; top1, error and top1_std are then multiplied by 100). Without a {@code unit} column a top-1 of
 * 1 or less is refused as a likely fraction rather than read as 0.43%. {@code top1_std} and {@code n} may be empty
 * (no spread published); {@code compression} may be empty when {@code sparsity} is given (compression =
 * 1 / (1 - sparsity)); when both are given they must agree. The same point (paper, model, dataset, strategy,
 * compression) given twice in a file is refused (a repeat or a conflict); in two files it is kept once when the
 * rows agree and refused when they do not. Every error names the file, line and column.
 */
final class References {
    static final List<String> COLUMNS = List.of("paper", "model", "dataset", "strategy", "compression", "sparsity",
            "top1", "top1_std", "n", "source");
    static final String ERROR = "error";
    static final String UNIT = "unit";

    /** One published point, top-1 in percent. {@code top1Std} NaN and {@code n} 0 when not given. */
    record Reference(String paper, String model, String dataset, String strategy, double compression,
            double sparsity, double top1, double top1Std, int n, String source, String where) {

        Reference(String paper, String model, String dataset, String strategy, double compression, double sparsity,
                double top1, double top1Std, int n, String source) {
            this(paper, model, dataset, strategy, compression, sparsity, top1, top1Std, n, source, "");
        }

        /** The same published point: paper, model, dataset, strategy, and compression within the match tolerance. */
        boolean samePoint(Reference o) {
            return paper.equals(o.paper) && model.equals(o.model) && dataset.equals(o.dataset)
                    && strategy.equals(o.strategy) && PublishedComparison.matches(compression, o.compression);
        }

        boolean sameValues(Reference o) {
            return Math.abs(top1 - o.top1) < 1e-9 && same(top1Std, o.top1Std) && n == o.n;
        }

        private static boolean same(double a, double b) {
            return Double.isNaN(a) ? Double.isNaN(b) : Math.abs(a - b) < 1e-9;
        }
    }

    private References() {}

    /** Every file's references, a point that two files give with the same values kept once. */
    static List<Reference> load(List<Path> files) {
        List<Reference> out = new ArrayList<>();
        for (Path f : files) {
            for (Reference r : load(f)) {
                if (!repeats(out, r)) {
                    out.add(r);
                }
            }
        }
        return List.copyOf(out);
    }

    /** True when {@code r} repeats a point already in {@code seen} with the same values; throws when it conflicts. */
    private static boolean repeats(List<Reference> seen, Reference r) {
        for (Reference s : seen) {
            if (s.samePoint(r)) {
                if (s.sameValues(r)) {
                    return true;
                }
                throw new ConfigException(r.where() + ": conflicts with " + s.where() + ": the same point (paper "
                        + r.paper() + ", " + r.model() + " on " + r.dataset() + ", " + r.strategy() + " at compression "
                        + Numbers.compact(r.compression()) + ") has top1 " + Numbers.compact(s.top1()) + " there and "
                        + Numbers.compact(r.top1()) + " here (or another top1_std or n); keep one row per point");
            }
        }
        return false;
    }

    /** See {@link ReportSpec#resolveReferences}: the current directory first, then up from the experiment's folder. */
    static Path locate(Path reference, Path experimentFile) {
        if (reference.isAbsolute() || Files.exists(reference)) {
            return reference;
        }
        for (Path dir = experimentFile.toAbsolutePath().normalize().getParent(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(reference);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return reference;
    }

    static List<Reference> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("references: no such file " + file + " (relative paths are resolved against "
                    + "the current directory, " + Path.of("").toAbsolutePath() + ", then, for the report: section, "
                    + "the experiment file's folder and the folders above it)");
        }
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(file));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
            lines.set(0, lines.get(0).substring(1)); // a byte-order mark, as spreadsheets write
        }
        if (lines.stream().allMatch(String::isBlank)) {
            throw new ConfigException(file + ": empty; expected a header line " + String.join(",", COLUMNS));
        }
        String first = lines.get(0);
        if (!first.contains(",") && (first.contains(";") || first.contains("\t"))) {
            throw new ConfigException(file + ":1: the fields are separated by '" + (first.contains(";") ? ";" : "\\t")
                    + "'; expected ',' (and '.' as the decimal point), as in " + String.join(",", COLUMNS));
        }
        List<String> header = split(first, file, 1);
        Map<String, Integer> index = new TreeMap<>();
        for (int i = 0; i < header.size(); i++) {
            index.put(header.get(i).strip().toLowerCase(Locale.ROOT), i);
        }
        List<String> missing = new ArrayList<>(COLUMNS.stream().filter(c -> !index.containsKey(c)
                && !(c.equals("top1") && index.containsKey(ERROR))
                && !(c.equals("compression") && index.containsKey("sparsity"))
                && !(c.equals("sparsity") && index.containsKey("compression"))).toList());
        if (missing.containsAll(List.of("compression", "sparsity"))) {
            missing.remove("sparsity");
            missing.set(missing.indexOf("compression"), "compression or sparsity");
        }
        if (!missing.isEmpty()) {
            throw new ConfigException(file + ":1: missing column(s) " + missing + "; expected "
                    + String.join(",", COLUMNS) + " (top1 may be replaced by error, in the same unit)");
        }
        List<Reference> out = new ArrayList<>();
        for (int l = 1; l < lines.size(); l++) {
            if (lines.get(l).isBlank()) {
                continue;
            }
            List<String> cells = split(lines.get(l), file, l + 1);
            if (cells.size() != header.size()) {
                throw new ConfigException(file + ":" + (l + 1) + ": " + cells.size() + " fields, the header has "
                        + header.size());
            }
            Reference r = ReferenceRow.parse(name -> index.containsKey(name) ? cells.get(index.get(name)).strip() : "",
                    file + ":" + (l + 1));
            if (repeats(out, r)) {
                Reference earlier = out.stream().filter(r::samePoint).findFirst().orElseThrow();
                throw new ConfigException(r.where() + ": repeats line " + earlier.where().replaceAll(".*:", "")
                        + " (the same point and values: " + r.strategy() + " at compression "
                        + Numbers.compact(r.compression()) + "); remove one");
            }
            out.add(r);
        }
        if (out.isEmpty()) {
            throw new ConfigException(file + ": a header and no rows: no published result to compare with; add "
                    + "rows or remove the file from report.references");
        }
        return out;
    }

    /** RFC 4180 fields of one line: commas separate, double quotes enclose, "" is a quote inside quotes. */
    static List<String> split(String line, Path file, int lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new ConfigException(file + ":" + lineNo + ": unterminated quoted field");
        }
        out.add(cur.toString());
        return out;
    }
}
