package prunebench.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;

/**
 * The folder a download is unpacked into, beside its target, so that nothing half-done ever lands where the readers
 * look: it is created in the data folder (a read-only one is bad input), emptied between sources, and installed by
 * one atomic rename once the reader has checked it; a folder already at the target is kept aside, not deleted.
 */
final class StagingFolder {
    private StagingFolder() {
    }

    /**
     * The staging folder beside the target, after checking that the data folder can be written: a read-only one is
     * bad input (exit 2) named in the message, not a stack trace.
     */
    static Path create(Path root, Path downloads, Path target) throws IOException {
        try {
            Files.createDirectories(downloads);
            return Files.createTempDirectory(root, "." + target.getFileName() + ".unpacking-");
        } catch (FileSystemException e) {
            if (String.valueOf(e.getReason()).contains("No space left on device")) {
                throw e; // a full disk has its own exit code
            }
            throw new DatasetException("cannot download into " + root + ": the folder cannot be created or written ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); choose a writable data folder with "
                    + "PRUNEBENCH_DATA=DIR or dataset.root, or make this one writable", e);
        }
    }

    /**
     * Renames {@code staging} to {@code target} atomically; a folder already at {@code target} (which did not hold
     * the dataset) is first renamed {@code <name>.incomplete-<n>}, and {@code log} says so.
     */
    static void install(String name, Path staging, Path target, PrintStream log) throws IOException {
        if (Files.exists(target)) {
            Path aside = aside(target);
            Files.move(target, aside);
            log.println(name + ": " + target + " did not hold the dataset; kept as " + aside);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path aside(Path target) {
        for (int n = 1; ; n++) {
            Path p = target.resolveSibling(target.getFileName() + ".incomplete-" + n);
            if (!Files.exists(p)) {
                return p;
            }
        }
    }

    /** Deletes what {@code dir} holds, so the next source starts from an empty staging folder. */
    static void empty(Path dir) throws IOException {
        try (var all = Files.list(dir)) {
            for (Path p : all.toList()) {
                deleteTree(p);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
