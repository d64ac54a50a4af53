package prunebench.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    @AfterEach
    void noInjection() {
        System.clearProperty(FaultInjection.PROPERTY);
    }

    @Test
    void aFileWrittenAtomicallyHasTheModeOfAnyOtherFile() throws IOException {
        Path plain = Files.createFile(tmp.resolve("plain.txt"));
        Path atomic = tmp.resolve("atomic.txt");
        AtomicFiles.writeString(atomic, "x");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic),
                "the umask decides, as for every other file");
    }

    @Test
    void aFullDiskLeavesTheOldFileWholeNoTemporaryAndAnErrorNamingTheFile() throws IOException {
        Path file = tmp.resolve("summary.csv");
        AtomicFiles.writeString(file, "old contents\n");
        System.setProperty(FaultInjection.PROPERTY, "summary.csv");
        WriteFailedException e = assertThrows(WriteFailedException.class,
                () -> AtomicFiles.writeString(file, "new contents, longer than the sixteen bytes that get through\n"));
        assertEquals("cannot write " + file + ": No space left on device", e.getMessage());
        assertTrue(e.diskFull());
        assertEquals(file, e.file());
        assertEquals("old contents\n", Files.readString(file));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void leftoversOfDeadWritersAndOldOnesAreRemovedThoseOfLiveWritersStay() throws IOException {
        Path runs = Files.createDirectories(tmp.resolve("runs").resolve("r1"));
        long dead = deadPid();
        Path ofDead = Files.writeString(runs.resolve(".metrics.json~" + dead + "@" + Host.NAME + "~1a2b.tmp"), "{");
        Path ofMe = Files.writeString(runs.resolve(AtomicFiles.tempName("epochs.csv")), "stage");
        Path oldStyle = Files.writeString(runs.resolve(".manifest.json1234567.tmp"), "{");
        Files.setLastModifiedTime(oldStyle, FileTime.from(Instant.now().minus(AtomicFiles.ABANDONED).minusSeconds(1)));
        Path otherHost = Files.writeString(tmp.resolve(".runs.csv~" + dead + "@elsewhere~99.tmp"), "run_id");
        Path notOurs = Files.writeString(tmp.resolve("notes.tmp"), "kept");

        assertEquals(2, AtomicFiles.removeLeftovers(tmp));
        assertFalse(Files.exists(ofDead));
        assertFalse(Files.exists(oldStyle));
        assertTrue(Files.exists(ofMe), "this process may still rename it");
        assertTrue(Files.exists(otherHost), "its writer may live on another node");
        assertTrue(Files.exists(notOurs));
    }

    /** The id of a process that has exited. */
    static long deadPid() throws IOException {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            return p.pid();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }
}
