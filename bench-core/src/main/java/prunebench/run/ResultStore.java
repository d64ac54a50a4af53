package prunebench.run;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import prunebench.util.AtomicFiles;

/**
 * The results folder: one folder per run under {@code runs/}, each with its {@code metrics.json} once finished.
 * {@code runs.csv} is always rebuilt from those records, so an interrupted grid never leaves a torn table.
 */
public final class ResultStore {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting()
            .create();
    private final Path root;

    public ResultStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path runDir(String runId) {
        return root.resolve("runs").resolve(runId);
    }

    public Path metricsFile(String runId) {
        return runDir(runId).resolve("metrics.json");
    }

    public boolean isFinished(String runId) {
        return Files.isRegularFile(metricsFile(runId));
    }

    public void save(RunResult result) {
        try {
            AtomicFiles.writeString(metricsFile(result.run_id()), GSON.toJson(result));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RunResult load(String runId) {
        try {
            return parse(Files.readString(metricsFile(runId)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A dense control is the same computation for every strategy of a seed: the first one finished is stored under
     * {@code controls/} and reused by the others, also across processes.
     */
    public RunResult control(String key) {
        Path file = root.resolve("controls").resolve(key + ".json");
        try {
            return Files.isRegularFile(file) ? parse(Files.readString(file)) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void saveControl(String key, RunResult result) {
        try {
            AtomicFiles.writeString(root.resolve("controls").resolve(key + ".json"), GSON.toJson(result));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A stored record; columns added since it was written (e.g. speedup_measured) read as NaN, not 0. */
    static RunResult parse(String json) {
        JsonObject object = JsonParser.parseString(json).getAsJsonObject();
        if (!object.has("budget")) {
            object.addProperty("budget", 1.0); // written before --budget existed: the whole protocol
        }
        for (RecordComponent c : RunResult.class.getRecordComponents()) {
            if (c.getType() == double.class && !object.has(c.getName())) {
                object.addProperty(c.getName(), Double.NaN);
            }
        }
        return GSON.fromJson(object, RunResult.class);
    }

    /** Every finished run's record, in a stable order. */
    public List<RunResult> all() {
        Path runs = root.resolve("runs");
        List<RunResult> out = new ArrayList<>();
        if (!Files.isDirectory(runs)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : dirs.sorted().toList()) {
                Path m = d.resolve("metrics.json");
                if (Files.isRegularFile(m)) {
                    out.add(parse(Files.readString(m)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparing(RunResult::strategy).thenComparingDouble(RunResult::compression)
                .thenComparingLong(RunResult::seed));
        return out;
    }

    /** Rewrites {@code runs.csv} from the given records (columns in {@link RunResult}'s order). */
    public Path writeRunsCsv(List<RunResult> results) throws IOException {
        RecordComponent[] cols = RunResult.class.getRecordComponents();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cols.length; i++) {
            sb.append(i == 0 ? "" : ",").append(cols[i].getName());
        }
        sb.append('\n');
        for (RunResult r : results) {
            for (int i = 0; i < cols.length; i++) {
                Object v;
                try {
                    v = cols[i].getAccessor().invoke(r);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                sb.append(i == 0 ? "" : ",").append(csv(v));
            }
            sb.append('\n');
        }
        Path file = root.resolve("runs.csv");
        AtomicFiles.writeString(file, sb.toString());
        return file;
    }

    static String csv(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return "";
            }
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue())
                    : String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
        }
        String s = v.toString();
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"").replace("\n", " ") + '"';
        }
        return s;
    }
}
