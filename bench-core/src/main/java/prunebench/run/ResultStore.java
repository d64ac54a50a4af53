package prunebench.run;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import prunebench.config.Settings;
import prunebench.util.AtomicFiles;
import prunebench.util.CsvFile;
import prunebench.util.Json;

/**
 * The results folder: one folder per run under {@code runs/}, each with its {@code metrics.json} once finished.
 * {@code runs.csv} is always rebuilt from those records, so an interrupted grid never leaves a torn table. A
 * {@code metrics.json} that cannot be read (empty, truncated) is set aside as {@code metrics.json.corrupt}, named in a
 * warning, and its run counts as unfinished, so the grid reruns it instead of stopping.
 */
public final class ResultStore {
    static final String METRICS = "metrics.json";
    /** The runs.csv column of the settings hash. */
    public static final String CONFIG = "config";
    private final Path root;
    private final Consumer<String> warnings;

    public ResultStore(Path root) {
        this(root, System.err::println);
    }

    public ResultStore(Path root, Consumer<String> warnings) {
        this.root = root;
        this.warnings = warnings;
    }

    public Path root() {
        return root;
    }

    public Path runDir(String runId) {
        return root.resolve("runs").resolve(runId);
    }

    public Path metricsFile(String runId) {
        return runDir(runId).resolve(METRICS);
    }

    /** {@code runs/<id>/experiment.yaml}: the settings the run used (see RunSettingsFile). */
    public Path settingsFile(String runId) {
        return runDir(runId).resolve(RunSettingsFile.FILE_NAME);
    }

    public boolean isFinished(String runId) {
        return finished(runId).isPresent();
    }

    /** The run's record, or empty when it has none (or only an unreadable one, which is set aside). */
    public Optional<RunResult> finished(String runId) {
        return read(metricsFile(runId));
    }

    public void save(RunResult result) throws IOException {
        AtomicFiles.writeString(metricsFile(result.run_id()), Json.pretty().toJson(result));
    }

    /**
     * The rows of an iterative run's levels ({@code levels.json}, level 0 the dense model it started from); the
     * last is also its {@code metrics.json}.
     */
    public void saveLevels(String runId, List<RunResult> levels) {
        try {
            AtomicFiles.writeString(runDir(runId).resolve("levels.json"), Json.pretty().toJson(levels));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RunResult load(String runId) {
        return finished(runId).orElseThrow(() -> new IllegalStateException(metricsFile(runId) + " is missing"));
    }

    /**
     * Before {@code --retry-failed} replaces a failed record, keeps it as {@code metrics.failed-<n>.json}: a rerun
     * adds records, it never destroys one.
     */
    public void keepFailedAttempt(String runId) throws IOException {
        Path metrics = metricsFile(runId);
        for (int n = 1; ; n++) {
            Path kept = metrics.resolveSibling("metrics.failed-" + n + ".json");
            if (!Files.exists(kept)) {
                AtomicFiles.write(kept, out -> Files.copy(metrics, out));
                return;
            }
        }
    }

    /**
     * A dense control is the same computation for every strategy of a seed: the first one finished is stored under
     * {@code controls/} and reused by the others, also across processes.
     */
    public RunResult control(String key) {
        return read(root.resolve("controls").resolve(key + ".json")).orElse(null);
    }

    public void saveControl(String key, RunResult result) throws IOException {
        AtomicFiles.writeString(root.resolve("controls").resolve(key + ".json"), Json.pretty().toJson(result));
    }

    /** A stored record, or empty; an unreadable one is renamed {@code <name>.corrupt} and named in a warning. */
    private Optional<RunResult> read(Path file) {
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return Optional.of(parse(json));
        } catch (RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                aside = file; // read-only folder: leave it, the run still counts as unfinished
            }
            warnings.accept("warning: " + file + " is not a complete record (" + (json.isBlank() ? "empty"
                    : "truncated or invalid JSON") + "); kept as " + aside.getFileName()
                    + ", the run counts as unfinished and runs again");
            return Optional.empty();
        }
    }

    /** A stored record; columns added since it was written (e.g. speedup_measured) read as NaN, not 0. */
    static RunResult parse(String json) {
        JsonElement element = JsonParser.parseString(json);
        if (!element.isJsonObject()) {
            throw new JsonParseException("not a JSON object");
        }
        JsonObject object = element.getAsJsonObject();
        if (!object.has("budget")) {
            object.addProperty("budget", 1.0); // written before --budget existed: the whole protocol
        }
        for (RecordComponent c : RunResult.class.getRecordComponents()) {
            if (c.getType() == double.class && !object.has(c.getName())) {
                object.add(c.getName(), JsonNull.INSTANCE);
            }
        }
        for (String required : List.of("run_id", "strategy", "status")) {
            if (!object.has(required) || object.get(required).isJsonNull()) {
                throw new JsonParseException("no " + required);
            }
        }
        return Json.pretty().fromJson(object, RunResult.class);
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
                Optional<RunResult> last = read(d.resolve(METRICS));
                if (last.isPresent()) {
                    out.addAll(earlierLevels(d.resolve("levels.json"), last.get()));
                    out.add(last.get());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparing(RunResult::strategy).thenComparingDouble(RunResult::compression)
                .thenComparingLong(RunResult::seed));
        return out;
    }

    /** The rows of the levels before {@code last} of an iterative run, level 0 (the dense model) aside. */
    private static List<RunResult> earlierLevels(Path file, RunResult last) throws IOException {
        List<RunResult> out = new ArrayList<>();
        if (last.level() != null && Files.isRegularFile(file)) {
            for (var e : JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
                RunResult r = parse(e.toString());
                if (r.level() != null && r.level() > 0 && r.level() < last.level()) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /**
     * Rewrites {@code runs.csv} from the given records: {@link RunResult}'s columns in order, then {@code config} (the
     * short hash of the run's settings, see {@link Settings}; empty for a run without a settings file) and one column
     * per setting whose value differs between the runs, named by its dotted key (as W&B shows config columns). A
     * strategy's own parameters ({@code strategy.*}) count as differing only between runs of the same label, since
     * different strategies are expected to differ.
     */
    public Path writeRunsCsv(List<RunResult> results) throws IOException {
        RecordComponent[] cols = RunResult.class.getRecordComponents();
        List<Optional<Settings.RunConfig>> configs = results.stream()
                .map(r -> Settings.readRun(settingsFile(r.run_id()))).toList();
        List<String> keys = differingSettings(results.stream().map(RunResult::strategy).toList(), configs);
        List<String> header = new ArrayList<>();
        for (RecordComponent c : cols) {
            header.add(c.getName());
        }
        header.add(CONFIG);
        header.addAll(keys);
        List<List<Object>> rows = new ArrayList<>();
        for (int row = 0; row < results.size(); row++) {
            RunResult r = results.get(row);
            List<Object> cells = new ArrayList<>();
            for (RecordComponent c : cols) {
                try {
                    cells.add(c.getAccessor().invoke(r));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            Optional<Settings.RunConfig> config = configs.get(row);
            cells.add(config.map(Settings.RunConfig::config).orElse(null));
            for (String k : keys) {
                boolean has = config.isPresent() && config.get().values().containsKey(k);
                cells.add(has ? Settings.format(config.get().values().get(k)) : null);
            }
            rows.add(cells);
        }
        Path file = root.resolve("runs.csv");
        CsvFile.write(file, header, rows);
        return file;
    }

    /**
     * Settings keys, in first-seen order, that take more than one value (absent counts as a value) among the runs
     * whose settings are recorded; {@code labels} are the runs' strategy labels, in the same order.
     */
    static List<String> differingSettings(List<String> labels, List<Optional<Settings.RunConfig>> configs) {
        Set<String> keys = new LinkedHashSet<>();
        configs.forEach(c -> c.ifPresent(x -> keys.addAll(x.values().keySet())));
        List<String> differing = new ArrayList<>();
        for (String key : keys) {
            boolean perLabel = key.startsWith(Settings.STRATEGY_PREFIX);
            Map<String, Set<String>> values = new HashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                if (configs.get(i).isEmpty()) {
                    continue;
                }
                Map<String, Object> v = configs.get(i).get().values();
                String shown = v.containsKey(key) ? "=" + Settings.format(v.get(key)) : "absent";
                values.computeIfAbsent(perLabel ? labels.get(i) : "", k -> new HashSet<>()).add(shown);
            }
            if (values.values().stream().anyMatch(s -> s.size() > 1)) {
                differing.add(key);
            }
        }
        return differing;
    }
}
