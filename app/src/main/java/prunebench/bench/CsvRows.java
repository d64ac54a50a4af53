package prunebench.bench;

import java.util.Arrays;
import java.util.Locale;

/** The rows {@code benchmark,model,threads,batch,value,unit} that a measurement prints on stdout, and their median. */
final class CsvRows {
    private CsvRows() {
    }

    static String threads() {
        return System.getProperty("ai.djl.pytorch.num_threads", "default");
    }

    static void row(String benchmark, String model, Object batch, double value, String unit) {
        System.out.printf(Locale.ROOT, "%s,%s,%s,%s,%s,%s%n", benchmark, model, threads(), batch,
                format(value), unit);
        System.out.flush();
    }

    static String format(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v)
                : Math.abs(v) >= 1 ? String.format(Locale.ROOT, "%.3f", v)
                : String.format(Locale.ROOT, "%.4f", v);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
