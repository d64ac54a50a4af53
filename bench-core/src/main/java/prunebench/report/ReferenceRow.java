package prunebench.report;

import java.util.Locale;
import prunebench.config.ConfigException;
import prunebench.report.References.Reference;

/**
 * One data line of a references file ({@link References}): every cell checked, top-1 brought to percent (from
 * {@code error} and {@code unit} where given), compression and sparsity checked against each other. Errors start
 * with {@code file:line}.
 */
final class ReferenceRow {
    /** Sparsity written with two or three decimals (64% for 0.6402) still agrees with its compression. */
    private static final double SPARSITY_ROUNDING = 0.005;

    interface Cells {
        /** The stripped cell of {@code column}; empty when the column is absent. */
        String get(String column);
    }

    private ReferenceRow() {}

    static Reference parse(Cells cell, String where) {
        String strategy = cell.get("strategy");
        for (String column : new String[] {"strategy", "model", "dataset"}) {
            if (cell.get(column).isEmpty()) {
                throw new ConfigException(where + ": " + column + ": must not be empty");
            }
        }
        String unit = cell.get(References.UNIT).toLowerCase(Locale.ROOT);
        double scale = switch (unit) {
            case "", "percent", "%" -> 1;
            case "fraction" -> 100;
            default -> throw new ConfigException(where + ": unit: expected percent or fraction, got '"
                    + cell.get(References.UNIT) + "'");
        };
        boolean explicitUnit = !unit.isEmpty();
        double hi = 100 / scale;
        String unitName = scale == 1 ? "percent" : "fraction";
        double sparsity = number(cell.get("sparsity"), where, "sparsity", 0, 1, true);
        double compression = number(cell.get("compression"), where, "compression", 1, Double.POSITIVE_INFINITY, true);
        if (Double.isNaN(compression)) {
            if (Double.isNaN(sparsity) || sparsity >= 1) {
                throw new ConfigException(where + ": compression: give the compression, or a sparsity below 1 to "
                        + "derive it from");
            }
            compression = 1 / (1 - sparsity);
        } else if (!Double.isNaN(sparsity)) {
            double implied = 1 - 1 / compression;
            if (Math.abs(implied - sparsity) > SPARSITY_ROUNDING
                    && !(sparsity < 1 && PublishedComparison.matches(1 / (1 - sparsity), compression))) {
                throw new ConfigException(where + ": compression " + cell.get("compression") + " and sparsity "
                        + cell.get("sparsity") + " disagree: compression " + cell.get("compression") + " is sparsity "
                        + Numbers.fixed(implied, 4) + " (compression = 1 / (1 - sparsity)); leave one of them empty "
                        + "or correct it");
            }
        }
        double top1 = number(cell.get("top1"), where, "top1 (" + unitName + ")", 0, hi, true);
        double error = number(cell.get(References.ERROR), where, "error (" + unitName + ")", 0, hi, true);
        if (Double.isNaN(top1) && Double.isNaN(error)) {
            throw new ConfigException(where + ": top1: must not be empty (or give error, top1 = 100 - error)");
        }
        if (!Double.isNaN(top1) && !Double.isNaN(error) && Math.abs(top1 + error - hi) > 0.01 * hi / 100) {
            throw new ConfigException(where + ": top1 " + cell.get("top1") + " and error " + cell.get("error")
                    + " disagree: they must add up to " + Numbers.compact(hi) + " (" + unitName + ")");
        }
        double top1Unit = Double.isNaN(top1) ? hi - error : top1;
        String given = Double.isNaN(top1) ? "error " + cell.get(References.ERROR) : "top1 " + cell.get("top1");
        if (!explicitUnit && top1Unit <= 1) {
            throw new ConfigException(where + ": " + given + " looks like a fraction (runs.csv's unit), but top1 "
                    + "and error are read in percent: write " + Numbers.compact(100 * top1Unit) + ", or add a column "
                    + "unit with the value fraction");
        }
        double std = number(cell.get("top1_std"), where, "top1_std (" + unitName + ")", 0, hi, true);
        double n = number(cell.get("n"), where, "n", 1, Integer.MAX_VALUE, true);
        if (!Double.isNaN(n) && n != Math.rint(n)) {
            throw new ConfigException(where + ": n: must be a whole number of runs, got " + cell.get("n"));
        }
        return new Reference(cell.get("paper"), cell.get("model"), cell.get("dataset"), strategy, compression,
                sparsity, scale * top1Unit, scale * std, Double.isNaN(n) ? 0 : (int) n, cell.get("source"), where);
    }

    /** A finite number in [lo, hi], or NaN for an empty cell when {@code optional}. */
    private static double number(String text, String where, String column, double lo, double hi, boolean optional) {
        if (text.isEmpty()) {
            if (optional) {
                return Double.NaN;
            }
            throw new ConfigException(where + ": " + column + ": must not be empty");
        }
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": " + column + ": expected a number, got '" + text + "'"
                    + (text.matches("-?\\d+,\\d+") ? " (use '.' as the decimal point)" : ""));
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new ConfigException(where + ": " + column + ": expected a finite number, got '" + text + "'");
        }
        if (!(v >= lo && v <= hi)) {
            String hint = column.equals("sparsity") && v > 1 && v <= 100
                    ? " (sparsity is a fraction: " + Numbers.compact(v / 100) + " for " + text + "%)" : "";
            throw new ConfigException(where + ": " + column + ": must be in [" + Numbers.compact(lo) + ", "
                    + (Double.isInfinite(hi) ? "inf" : Numbers.compact(hi)) + "], got " + text + hint);
        }
        return v;
    }
}
