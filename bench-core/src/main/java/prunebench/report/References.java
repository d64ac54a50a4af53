package prunebench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import prunebench.config.ConfigException;

/**
 * Published results to compare with: CSV files with the columns
 * {@code paper, model, dataset, strategy, compression, sparsity, top1, top1_std, n, source} (any order; other
 * columns are ignored). {@code top1} and {@code top1_std} are in percent, as papers print them; {@code top1_std}
 * and {@code n} may be empty (no spread published); {@code compression} may be empty when {@code sparsity} is given
 * (compression = 1 / (1 - sparsity)). Every error names the file, line and column.
 */
final class References {
    static final List<String> COLUMNS = List.of("paper", "model", "dataset", "strategy", "compression", "sparsity",
            "top1", "top1_std", "n", "source");

    /** One published point. {@code top1Std} NaN and {@code n} 0 when not given. */
    record Reference(String paper, String model, String dataset, String strategy, double compression,
            double sparsity, double top1, double top1Std, int n, String source) {}

    private References() {}

    static List<Reference> load(List<Path> files) {
        List<Reference> out = new ArrayList<>();
        for (Path f : files) {
            out.addAll(load(f));
        }
        return List.copyOf(out);
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
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new ConfigException(file + ": empty; expected a header line " + String.join(",", COLUMNS));
        }
        List<String> header = split(lines.get(0), file, 1);
        Map<String, Integer> index = new TreeMap<>();
        for (int i = 0; i < header.size(); i++) {
            index.put(header.get(i).strip(), i);
        }
        List<String> missing = COLUMNS.stream().filter(c -> !index.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw new ConfigException(file + ":1: missing column(s) " + missing + "; expected "
                    + String.join(",", COLUMNS));
        }
        List<Reference> out = new ArrayList<>();
        for (int l = 1; l < lines.size(); l++) {
            if (lines.get(l).isBlank()) {
                continue;
            }
            int line = l + 1;
            List<String> cells = split(lines.get(l), file, line);
            if (cells.size() != header.size()) {
                throw new ConfigException(file + ":" + line + ": " + cells.size() + " fields, the header has "
                        + header.size());
            }
            Cell cell = name -> cells.get(index.get(name)).strip();
            String strategy = cell.get("strategy");
            if (strategy.isEmpty()) {
                throw new ConfigException(file + ":" + line + ": strategy: must not be empty");
            }
            double sparsity = number(cell.get("sparsity"), file, line, "sparsity", 0, 1, true);
            double compression = number(cell.get("compression"), file, line, "compression", 1,
                    Double.POSITIVE_INFINITY, true);
            if (Double.isNaN(compression)) {
                if (Double.isNaN(sparsity) || sparsity >= 1) {
                    throw new ConfigException(file + ":" + line + ": compression: give the compression, or a "
                            + "sparsity below 1 to derive it from");
                }
                compression = 1 / (1 - sparsity);
            }
            double top1 = number(cell.get("top1"), file, line, "top1 (percent)", 0, 100, false);
            double std = number(cell.get("top1_std"), file, line, "top1_std (percent)", 0, 100, true);
            double n = number(cell.get("n"), file, line, "n", 1, Integer.MAX_VALUE, true);
            if (!Double.isNaN(n) && n != Math.rint(n)) {
                throw new ConfigException(file + ":" + line + ": n: must be a whole number of runs, got "
                        + cell.get("n"));
            }
            out.add(new Reference(cell.get("paper"), cell.get("model"), cell.get("dataset"), strategy, compression,
                    sparsity, top1, std, Double.isNaN(n) ? 0 : (int) n, cell.get("source")));
        }
        return out;
    }

    private interface Cell {
        String get(String column);
    }

    /** A number in [lo, hi], or NaN for an empty cell when {@code optional}. */
    private static double number(String text, Path file, int line, String column, double lo, double hi,
            boolean optional) {
        if (text.isEmpty()) {
            if (optional) {
                return Double.NaN;
            }
            throw new ConfigException(file + ":" + line + ": " + column + ": must not be empty");
        }
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(file + ":" + line + ": " + column + ": expected a number, got '" + text + "'");
        }
        if (!(v >= lo && v <= hi)) {
            throw new ConfigException(file + ":" + line + ": " + column + ": must be in [" + Numbers.compact(lo)
                    + ", " + (Double.isInfinite(hi) ? "inf" : Numbers.compact(hi)) + "], got " + text);
        }
        return v;
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
