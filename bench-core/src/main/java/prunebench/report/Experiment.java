package prunebench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import prunebench.config.ResolvedExperimentWriter;
import prunebench.config.Settings;
import tech.tablesaw.api.Table;

/**
 * One results folder: its name (the folder name, used to label series when experiments are combined), its location
 * (for the per-run {@code runs/<run_id>/} files) and its runs table. Several folders of the same experiment in one
 * combined report are one Experiment ({@link PooledFolders}): {@code dirs} lists them, {@code dir} is the first.
 */
public record Experiment(String name, Path dir, Table runs, List<Path> dirs) {
    static final String SETTINGS_FILE = "resolved-experiment.yaml";

    public Experiment {
        dirs = List.copyOf(dirs);
    }

    Experiment(String name, Path dir, Table runs) {
        this(name, dir, runs, List.of(dir));
    }

    /** Reads {@code runs.csv} from a results folder. */
    public static Experiment load(Path resultsDir) {
        Path dir = resultsDir.toAbsolutePath().normalize();
        return new Experiment(dir.getFileName().toString(), dir, RunsCsv.read(dir.resolve(RunsCsv.FILE)));
    }

    /**
     * Every invocation's settings kept in the folder ({@code resolved-experiment-<hash>.yaml}), by name, with the
     * run configs each one produced (one per strategy).
     */
    Map<String, List<Settings.RunConfig>> settingsFiles() {
        Map<String, List<Settings.RunConfig>> files = new TreeMap<>();
        for (Path folder : dirs) {
            settingsFiles(folder, files); // the same file name in two folders is the same settings (its hash)
        }
        return files;
    }

    private static void settingsFiles(Path dir, Map<String, List<Settings.RunConfig>> files) {
        try (Stream<Path> list = Files.list(dir)) {
            for (Path f : list.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(ResolvedExperimentWriter.PREFIX) && name.endsWith(".yaml")) {
                    List<Settings.RunConfig> configs;
                    try {
                        configs = Settings.configs(Settings.readTree(Files.readString(f)));
                    } catch (RuntimeException e) {
                        configs = List.of(); // not ours to judge here; the file is still listed
                    }
                    files.putIfAbsent(name, configs);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A run's own folder: in the first of the pooled folders that has it. */
    Path runDir(String runId) {
        for (Path folder : dirs) {
            Path run = folder.resolve("runs").resolve(runId);
            if (Files.isDirectory(run)) {
                return run;
            }
        }
        return dir.resolve("runs").resolve(runId);
    }

    /**
     * The experiment's own name, the {@code name:} of the resolved experiment saved next to runs.csv: what figures
     * and report.md are titled with. The folder's name for results without one (or written with --results to a
     * folder named otherwise, the name is still the experiment's).
     */
    String experimentName() {
        try {
            Object yaml = settings().map(text -> new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor
                    .SafeConstructor(new org.yaml.snakeyaml.LoaderOptions())).load(text)).orElse(null);
            if (yaml instanceof Map<?, ?> map && map.get("name") instanceof String n && !n.isBlank()) {
                return n;
            }
        } catch (RuntimeException e) {
            // an unreadable file is reported where the report section is read; the folder's name will do here
        }
        return name;
    }

    /** The resolved experiment the runner saved next to runs.csv, if any. */
    Optional<String> settings() {
        Path file = dir.resolve(SETTINGS_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
