package prunebench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import prunebench.config.ConfigException;

/**
 * The {@code --results} folder as a thing prunebench owns. A marker file identifies the folders it writes;
 * {@code --fresh} removes only the entries prunebench writes, and only from a marked folder that holds nothing
 * else. Paths whose contents cannot be prunebench's alone (empty, the file system root, the home or current
 * directory or one above them, a repository's root) are bad input.
 */
final class ResultsFolder {
    static final String MARKER = ".prunebench";
    /** What prunebench writes at the top of a results folder; any other name there is someone else's. */
    private static final Set<String> OWN = Set.of(MARKER, "runs", "pretrained", "controls", "runs.csv",
            "summary.csv", "summary.md", "report.md", "plots", "resolved-experiment.yaml", "slurm");
    /** Comparisons, every invocation's resolved experiment, and temporary files of atomic writes. */
    private static final Pattern OWN_PATTERN = Pattern.compile(
            "(published-)?comparison(-.*)?\\.csv|resolved-experiment-.*\\.yaml|\\..*\\.tmp");
    private static final int LISTED = 10;

    private ResultsFolder() {}

    /** Rejects a results path that is not a folder of its own. */
    static void check(Path dir) {
        String given = dir.toString();
        if (given.isBlank()) {
            throw new ConfigException("--results is empty; give a folder of its own (default: results/<name>)");
        }
        Path abs = real(dir.toAbsolutePath().normalize());
        Path home = real(Path.of(System.getProperty("user.home")).toAbsolutePath().normalize());
        Path cwd = real(Path.of("").toAbsolutePath().normalize());
        String what = abs.getParent() == null ? "the file system root"
                : home.startsWith(abs) ? (abs.equals(home) ? "your home directory" : "a folder that holds your home")
                : cwd.startsWith(abs) ? (abs.equals(cwd) ? "the current directory" : "a folder above the current one")
                : Files.exists(abs.resolve(".git")) ? "the root of a git repository"
                : null;
        if (what != null) {
            throw new ConfigException("--results " + given + " is " + what + "; results need a folder of their own, "
                    + "e.g. results/<name> (the default)");
        }
    }

    /** Marks a folder prunebench writes to, so that a later --fresh may empty it. */
    static void mark(Path dir) throws IOException {
        Path marker = dir.resolve(MARKER);
        if (!Files.exists(marker)) {
            Files.writeString(marker, "prunebench results folder: --fresh removes what prunebench wrote here and "
                    + "refuses if anything else is present\n");
        }
    }

    /** The entries --fresh would delete; bad input (nothing deleted) if the folder holds anything else. */
    static List<Path> freshDeletes(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("--fresh: " + dir + " is not a folder; nothing was deleted");
        }
        List<Path> entries;
        try (Stream<Path> list = Files.list(dir)) {
            entries = list.sorted().toList();
        }
        if (entries.isEmpty()) {
            return entries;
        }
        if (!Files.isRegularFile(dir.resolve(MARKER))) {
            throw new ConfigException("--fresh: " + dir + " is not a prunebench results folder (it has no " + MARKER
                    + " file) and holds " + names(entries) + "; nothing was deleted: choose another --results or "
                    + "empty it yourself");
        }
        List<Path> foreign = entries.stream().filter(p -> !isOwn(p.getFileName().toString())).toList();
        if (!foreign.isEmpty()) {
            throw new ConfigException("--fresh: " + dir + " holds what prunebench did not write: " + names(foreign)
                    + "; nothing was deleted: move them away or choose another --results");
        }
        return entries;
    }

    /** Empties the folder for --fresh, after {@link #freshDeletes} allowed it; the marker goes last. */
    static void deleteForFresh(Path dir) throws IOException {
        List<Path> doomed = new ArrayList<>(freshDeletes(dir));
        doomed.sort(Comparator.comparing((Path p) -> p.getFileName().toString().equals(MARKER)));
        for (Path entry : doomed) {
            try (Stream<Path> paths = Files.walk(entry)) { // does not follow links: a link is removed, not its target
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static boolean isOwn(String name) {
        return OWN.contains(name) || OWN_PATTERN.matcher(name).matches();
    }

    private static String names(List<Path> entries) {
        List<String> shown = entries.stream().limit(LISTED)
                .map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).toList();
        return String.join(", ", shown) + (entries.size() > LISTED ? " and " + (entries.size() - LISTED) + " more"
                : "");
    }

    /** The path with links resolved as far as it exists, so that a link to the home folder is the home folder. */
    private static Path real(Path abs) {
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }

    /** Empties the folder first with --fresh; then makes sure it exists, is writable and is marked as ours. */
    static void prepare(Path dir, boolean fresh) throws IOException {
        if (fresh) {
            deleteForFresh(dir);
        }
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
            mark(dir);
        } catch (IOException e) {
            throw new ConfigException("results folder " + dir + " is not writable: " + e.getMessage());
        }
    }
}
