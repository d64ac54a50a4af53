package prunebench.report;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** Number formatting for tables and axes, locale-independent so reports are identical on every machine. */
final class Numbers {
    private Numbers() {}

    static DecimalFormat format(String pattern) {
        return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT)); // not thread-safe: fresh per use
    }

    /** Compression ratios and other grouping values: 16, 1.5, 2.667. */
    static String compact(double v) {
        return Double.isNaN(v) ? "" : format("0.###").format(v);
    }

    static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** "mean ± half", or just the mean when there is no spread estimate, or an em dash when there is no value. */
    static String meanPlusMinus(double mean, double half, double scale, int decimals) {
        if (Double.isNaN(mean)) {
            return "—";
        }
        String m = fixed(mean * scale, decimals);
        return Double.isNaN(half) ? m : m + " ± " + fixed(half * scale, decimals);
    }
}
