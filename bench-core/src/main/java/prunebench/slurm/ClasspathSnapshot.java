package prunebench.slurm;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A copy of this process's classpath for Slurm jobs, under the results folder: jobs that start hours later run the
 * code that was submitted, not whatever a later build left in app/target/lib (a rebuild while they read it would
 * break them), and the code needs no shared filesystem of its own. Entries are named by content hash
 * ({@code <name>-<sha12>.jar}, folders likewise), so resubmitting unchanged code copies nothing.
 */
final class ClasspathSnapshot {
    /** One classpath entry and its name in the snapshot folder. */
    record Entry(Path source, String name) {}

    private ClasspathSnapshot() {}

    /** The entries of {@code classpath} that exist, with their snapshot names. */
    static List<Entry> plan(String classpath) throws IOException {
        List<Entry> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String part : classpath.split(File.pathSeparator)) {
            if (part.isBlank()) {
                continue;
            }
            Path p = Path.of(part).toAbsolutePath().normalize();
            if (!Files.exists(p)) {
                continue;
            }
            String name;
            if (Files.isDirectory(p)) {
                name = label(p) + "-" + hashTree(p);
            } else {
                String file = p.getFileName().toString();
                String base = file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file;
                name = base + "-" + hashFile(p) + ".jar";
            }
            if (!seen.contains(name)) {
                seen.add(name);
                out.add(new Entry(p, name));
            }
        }
        return out;
    }

    /** Copies the entries missing from {@code lib}; returns the snapshot's classpath entries in order. */
    static List<Path> materialize(List<Entry> entries, Path lib) throws IOException {
        Files.createDirectories(lib);
        List<Path> out = new ArrayList<>();
        for (Entry e : entries) {
            Path target = lib.resolve(e.name());
            if (!Files.exists(target)) {
                Path tmp = lib.resolve(".tmp-" + e.name() + "-" + ProcessHandle.current().pid());
                delete(tmp);
                if (Files.isDirectory(e.source())) {
                    copyTree(e.source(), tmp);
                } else {
                    Files.copy(e.source(), tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    // another submission copied the same content meanwhile
                    if (!Files.exists(target)) {
                        throw raced;
                    }
                } finally {
                    delete(tmp);
                }
            }
            out.add(target);
        }
        return out;
    }

    /** e.g. {@code bench-core/target/classes} becomes {@code bench-core-classes}. */
    static String label(Path dir) {
        String last = dir.getFileName() == null ? "root" : dir.getFileName().toString();
        Path parent = dir.getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("target")
                && parent.getParent() != null && parent.getParent().getFileName() != null) {
            last = parent.getParent().getFileName() + "-" + last;
        }
        return last.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String hashFile(Path file) throws IOException {
        MessageDigest md = sha256();
        update(md, file);
        return HexFormat.of().formatHex(md.digest()).substring(0, 12);
    }

    private static String hashTree(Path dir) throws IOException {
        MessageDigest md = sha256();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList()) {
                md.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                update(md, f);
            }
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 12);
    }

    private static void update(MessageDigest md, Path file) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (Files.isRegularFile(p)) {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(p)) {
            for (Path q : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
