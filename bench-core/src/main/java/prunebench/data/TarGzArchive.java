package prunebench.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Unpacks a published {@code .tar.gz} (CIFAR's archives) into a staging folder. */
final class TarGzArchive {
    private TarGzArchive() {
    }

    /**
     * Unpacks {@code archive} into {@code dir}, refusing entries that would land outside it: a downloaded archive is
     * untrusted input, and {@code ../} entries must not write beside the data folder.
     */
    static void unpack(Path archive, Path dir) throws IOException {
        try (InputStream file = Files.newInputStream(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                Path out = dir.resolve(e.getName()).normalize();
                if (!out.startsWith(dir)) {
                    throw new DatasetException(archive + ": entry " + e.getName() + " points outside the folder");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else if (e.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
