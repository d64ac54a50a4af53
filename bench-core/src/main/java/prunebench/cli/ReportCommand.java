package prunebench.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import prunebench.config.ConfigException;
import prunebench.report.Report;
import prunebench.report.ReportSpec;
import prunebench.run.RecordedRuns;

/** Writing the report: {@code --report} on finished folders, and the report at the end of a grid. */
final class ReportCommand {
    private final PrintStream out;
    private final PrintStream err;

    ReportCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * {@code --report DIR...}: rebuilds one folder's report in place, or a combined one of several in
     * {@code results} (default results/combined); {@code spec}: the experiment's report: section, null without one.
     */
    int run(List<Path> reportDirs, Path results, List<Path> references, Supplier<ReportSpec> spec) {
        if (!ReportLibraries.missing().isEmpty()) {
            throw new ConfigException("--report needs the report libraries (" + String.join(", ",
                    ReportLibraries.missing()) + "), which this installation leaves out (the GPU bundle); copy the "
                    + "results folder to a full build and run ./run-experiment --report DIR there");
        }
        if (reportDirs.size() == 1 && results != null
                && !results.toAbsolutePath().normalize().equals(reportDirs.get(0).toAbsolutePath().normalize())) {
            throw new ConfigException("--results " + results + " with --report " + reportDirs.get(0) + ": a folder's "
                    + "report is written into that folder; --results names where a combined report of several "
                    + "folders goes (--report A B --results OUT). Leave --results out, or name more folders");
        }
        ReportSpec reportSpec = spec.get();
        List<String> missing = new ArrayList<>();
        for (Path d : reportDirs) {
            // the records, not a runs.csv that may be stale or gone, are what the report shows
            RecordedRuns.refresh(d).forEach(id -> missing.add(d.resolve("runs").resolve(id).toString()));
            if (!Files.isRegularFile(d.resolve("runs.csv"))) {
                throw new ConfigException(d + ": no runs.csv here; run the experiment first (results folders are "
                        + "results/<name>/)");
            }
        }
        Path file;
        if (reportDirs.size() == 1) {
            Path d = reportDirs.get(0);
            file = write(() -> reportSpec == null ? Report.rebuild(d, references) : Report.rebuild(d, reportSpec));
        } else {
            Path outDir = results != null ? results : Path.of("results", "combined");
            ResultsFolder.check(outDir);
            file = write(() -> Report.rebuildCombined(reportDirs, outDir,
                    reportSpec == null ? ReportSpec.defaults().withReferences(references) : reportSpec, err::println));
        }
        if (!missing.isEmpty()) {
            err.println("missing runs (listed in runs.csv or with a run folder, but no metrics.json: deleted, or still "
                    + "running); the report leaves them out:");
            missing.forEach(id -> err.println("  " + id));
            err.println("rerun the experiment to run them again");
            return Main.RUNS_FAILED;
        }
        return file == null ? Main.RUNS_FAILED : Main.OK;
    }

    /** Without the report libraries (the GPU bundle) the grid ends at runs.csv; the rest is rebuilt elsewhere. */
    Path skip(Path dir) {
        Path runsCsv = dir.resolve("runs.csv");
        out.println("report: skipped, this installation leaves out the report libraries; runs: " + runsCsv
                + "; build tables and figures on a full build with: ./run-experiment --report " + dir);
        return runsCsv;
    }

    /** Writes the report; a failure is reported without touching the runs already recorded. */
    Path write(Supplier<Path> writer) {
        try {
            Path file = writer.get();
            out.println("report: " + file);
            return file;
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            if (WriteFailures.of(e) != null) {
                throw e; // a full disk: one line and exit 3, like during training
            }
            err.println("error: could not write the report (the runs are kept; retry with --report): " + e);
            return null;
        }
    }
}
