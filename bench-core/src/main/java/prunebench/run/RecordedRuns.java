package prunebench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What {@code --report} builds on: the run records ({@code runs/<id>/metrics.json}), not a {@code runs.csv} that may
 * be stale. Before a report, runs.csv is rewritten from the records (also when it was deleted), and a run that
 * runs.csv listed or that has a folder but no record any more is named as missing rather than reported from the old
 * row. A folder without any record (runs.csv shipped alone) keeps its runs.csv as it is.
 */
public final class RecordedRuns {
    private RecordedRuns() {}

    /**
     * Rewrites {@code dir}/runs.csv from the records when there are any; returns the run ids that have no record
     * (listed by the old runs.csv or with a run folder), sorted.
     */
    public static List<String> refresh(Path dir) {
        ResultStore store = new ResultStore(dir);
        List<RunResult> records = store.all();
        if (records.isEmpty()) {
            return List.of();
        }
        Set<String> known = new TreeSet<>(listed(dir.resolve("runs.csv")));
        Path runs = dir.resolve("runs");
        try (Stream<Path> folders = Files.list(runs)) {
            folders.filter(Files::isDirectory).forEach(f -> known.add(f.getFileName().toString()));
            records.forEach(r -> known.remove(r.run_id()));
            store.writeRunsCsv(records);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(known);
    }

    /** The run ids of an existing runs.csv (its first column), none when there is no such file. */
    private static List<String> listed(Path runsCsv) {
        if (!Files.isRegularFile(runsCsv)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(runsCsv)) {
            return lines.skip(1).map(l -> l.split(",", 2)[0].replace("\"", "")).filter(s -> !s.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
