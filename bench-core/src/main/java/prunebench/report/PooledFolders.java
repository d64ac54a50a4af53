package prunebench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tech.tablesaw.api.Table;

/**
 * A grid split across machines (or rerun into a second folder) leaves one experiment in several results folders. In a
 * combined report, folders whose experiment has the same {@code name:} are pooled into one experiment: their runs in
 * one table, so seeds from different folders are averaged together, as if the grid had run in one folder. A run id
 * found in more than one folder is the same run (the id hashes its settings) and counts once: a finished record is
 * preferred to a failed one, else the first folder's. Folders of different experiments stay apart, labelled by
 * folder.
 */
final class PooledFolders {
    private PooledFolders() {}

    static List<Experiment> pool(List<Experiment> experiments, Consumer<String> notes) {
        Map<String, List<Experiment>> byName = new LinkedHashMap<>();
        for (Experiment e : experiments) {
            byName.computeIfAbsent(e.experimentName(), k -> new ArrayList<>()).add(e);
        }
        List<Experiment> result = new ArrayList<>();
        byName.forEach((name, same) -> result.add(same.size() == 1 ? same.get(0) : pooled(name, same, notes)));
        return result;
    }

    private static Experiment pooled(String name, List<Experiment> same, Consumer<String> notes) {
        List<Path> dirs = same.stream().map(Experiment::dir).toList();
        Map<String, Integer> chosen = new LinkedHashMap<>(); // run id -> index into rows
        List<Table> rows = new ArrayList<>();
        int duplicates = 0;
        for (Experiment e : same) {
            Table runs = e.runs();
            for (int r = 0; r < runs.rowCount(); r++) {
                Table row = runs.rows(r);
                String id = runs.stringColumn(RunsCsv.RUN_ID).get(r);
                Integer earlier = chosen.get(id);
                if (earlier == null) {
                    chosen.put(id, rows.size());
                    rows.add(row);
                    continue;
                }
                duplicates++;
                if (failed(rows.get(earlier)) && !failed(row)) {
                    rows.set(earlier, row);
                }
            }
        }
        notes.accept("report: pooled " + same.size() + " folders of experiment '" + name + "' (" + String.join(", ",
                dirs.stream().map(Path::toString).toList()) + "): " + chosen.size() + " runs"
                + (duplicates > 0 ? ", " + duplicates + " found in more than one folder counted once" : ""));
        Table runs = RunsCsv.union(same.get(0).runs().name(), rows);
        return new Experiment(name, dirs.get(0), runs, dirs);
    }

    private static boolean failed(Table row) {
        return row.containsColumn(RunsCsv.STATUS) && !RunsCsv.OK.equals(row.stringColumn(RunsCsv.STATUS).get(0));
    }
}
