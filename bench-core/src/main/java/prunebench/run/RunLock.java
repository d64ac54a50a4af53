package prunebench.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import prunebench.util.Host;
import prunebench.util.WriteFailedException;

/**
 * The lock file of a run or of a dense model ({@code .lock}): an operating-system lock, which the kernel (or the
 * NFS lock manager) releases when its holder dies however it dies, so a lock whose holder is gone is free to take.
 * The holder writes its pid, host and start time into the file, to say who holds it while it does.
 */
final class RunLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock if it is free; null when another process (or thread) holds it. */
    static RunLock tryAcquire(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                return null;
            }
            return held(file, ch, lock);
        } catch (OverlappingFileLockException e) {
            ch.close();
            return null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Waits until the lock is free (its holder finished or died), then takes it. */
    static RunLock acquire(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return held(file, ch, ch.lock());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static RunLock held(Path file, FileChannel ch, FileLock lock) throws IOException {
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " on " + Host.NAME + " since "
                    + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            lock.release();
            throw new WriteFailedException(file, e);
        }
        return new RunLock(ch, lock);
    }

    /**
     * Whether a live process holds the lock, asked without writing anything (for {@code --dry-run}): a shared lock on
     * a read-only channel conflicts with a holder's exclusive one and is released at once. No lock file: not held.
     */
    static boolean isHeld(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock probe = ch.tryLock(0, Long.MAX_VALUE, true);
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this process holds it
        } catch (IOException e) {
            return false;
        }
    }

    /** Who holds (or last held) the lock, as its holder wrote it, e.g. "pid 1234 on node7 since ...". */
    static String holder(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? "another process" : text;
        } catch (IOException e) {
            return "another process";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
