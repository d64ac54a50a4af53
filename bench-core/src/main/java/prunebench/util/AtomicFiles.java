package prunebench.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes files to a temporary sibling and renames it into place, so a reader (or a process killed mid-write, or a
 * full disk) sees the old file or the new one, never a torn one. The temporary file is created like any other
 * (mode 0666 less the umask, unlike {@link Files#createTempFile}'s 0600) and is named
 * {@code .<name>~<pid>@<host>~<random>.tmp}, so that {@link #removeLeftovers} can tell one whose writer is gone.
 * Any failure, including a full disk, surfaces as a {@link WriteFailedException} naming the target.
 */
public final class AtomicFiles {
    /** A temporary file older than this is a leftover whoever wrote it (writes take seconds, not minutes). */
    static final Duration ABANDONED = Duration.ofMinutes(15);

    private AtomicFiles() {}

    /** Something that writes the file's contents to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, Writer writer) throws WriteFailedException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve(tempName(target.getFileName().toString()));
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = FaultInjection.wrap(target, Channels.newOutputStream(ch));
                writer.write(out);
                out.flush();
                ch.force(true); // the rename must not reach the disk before the contents
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new WriteFailedException(target, e);
        } catch (RuntimeException e) {
            // Writers that wrap the system's IOException in their own unchecked one (Tablesaw's CSV writer)
            IOException io = ioCause(e);
            if (io == null) {
                throw e;
            }
            throw new WriteFailedException(target, io);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do; removeLeftovers will find it
            }
        }
    }

    private static IOException ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    public static void writeString(Path target, String text) throws WriteFailedException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    static String tempName(String target) {
        return "." + target + "~" + ProcessHandle.current().pid() + "@" + Host.NAME + "~"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + ".tmp";
    }

    /**
     * Deletes the temporary files under {@code root} that no writer will rename any more: those of a process of
     * this host that is gone, and any older than {@link #ABANDONED} (a writer on another host, or a name from
     * an older version). Returns how many were removed.
     */
    public static int removeLeftovers(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        List<Path> candidates;
        try (Stream<Path> files = Files.walk(root, 4)) {
            candidates = files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(".") && n.endsWith(".tmp") && Files.isRegularFile(p);
            }).toList();
        }
        int removed = 0;
        Instant now = Instant.now();
        for (Path p : candidates) {
            try {
                boolean old = Files.getLastModifiedTime(p).toInstant().isBefore(now.minus(ABANDONED));
                if ((old || writerGone(p.getFileName().toString())) && Files.deleteIfExists(p)) {
                    removed++;
                }
            } catch (IOException e) {
                // renamed or deleted meanwhile by its writer: not a leftover
            }
        }
        return removed;
    }

    /** Whether the name says it was written by a process of this host that no longer exists. */
    static boolean writerGone(String tempName) {
        int end = tempName.lastIndexOf('~');
        int start = end < 0 ? -1 : tempName.lastIndexOf('~', end - 1);
        if (start < 0) {
            return false;
        }
        String owner = tempName.substring(start + 1, end);
        int at = owner.indexOf('@');
        if (at < 0 || !owner.substring(at + 1).equals(Host.NAME)) {
            return false;
        }
        try {
            long pid = Long.parseLong(owner.substring(0, at));
            return !Host.alive(pid);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
