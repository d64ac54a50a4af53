package prunebench.cli;

import java.util.List;

/**
 * Whether the report's libraries (Tablesaw for the tables, JFreeChart for the figures) are on the classpath. The GPU
 * bundle ({@code scripts/gpu-bundle}) leaves them out to stay small: there a grid still writes every run's files and
 * {@code runs.csv}, and the tables and figures are rebuilt on any full build with {@code --report}.
 */
final class ReportLibraries {
    private static final List<String> MARKERS = List.of("tech.tablesaw.api.Table", "org.jfree.chart.JFreeChart");

    private ReportLibraries() {}

    /** The marker classes {@code loader} cannot find; empty when the report can be written. */
    static List<String> missing(ClassLoader loader) {
        return MARKERS.stream().filter(name -> !loadable(name, loader)).toList();
    }

    static List<String> missing() {
        return missing(ReportLibraries.class.getClassLoader());
    }

    private static boolean loadable(String name, ClassLoader loader) {
        try {
            Class.forName(name, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
