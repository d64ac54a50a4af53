package prunebench.datasets.imagefolder;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import prunebench.data.ImageData;

/**
 * A decoded image folder in one binary file, so that its images are decoded once per change of the folder. The
 * file lives next to the data when that folder is writable, else in the user's cache folder. It holds the full
 * key and a CRC32C of its contents: a file for another key, cut short or damaged is ignored (and, since the
 * caller then decodes and writes again, replaced).
 *
 * <p>Layout: magic, key (int length + UTF-8), channels, height, width, classes, train count, test count (ints),
 * train labels, test labels (ints), train pixels, test pixels, CRC32C of all before it (long). Big-endian.
 */
final class DecodedCache {
    private static final Logger LOG = LoggerFactory.getLogger(DecodedCache.class);
    private static final byte[] MAGIC = "PBIMGFC1".getBytes(StandardCharsets.US_ASCII);
    private static final String PREFIX = "prunebench-imagefolder-";

    private final Path dataDir;
    private final Path userCache;

    DecodedCache(Path dataDir, Path userCache) {
        this.dataDir = dataDir;
        this.userCache = userCache;
    }

    /** The data folder if writable, else the user cache: where {@link #write} puts the file. */
    Path location() {
        return Files.isDirectory(dataDir) && Files.isWritable(dataDir) ? dataDir : userCache;
    }

    /** The cached dataset for {@code key}, from either location, or empty. */
    Optional<ImageData> read(String key, String name, boolean augment) {
        for (Path dir : List.of(dataDir, userCache)) {
            Path file = dir.resolve(fileName(key));
            if (Files.isRegularFile(file)) {
                try {
                    return Optional.of(readFile(file, key, name, augment));
                } catch (IOException | IllegalArgumentException e) {
                    LOG.warn("ignoring dataset cache {}: {}", file, e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    /** Writes atomically (a temporary file, then a rename) and removes this folder's older cache files. */
    void write(String key, ImageData data) {
        Path dir = location();
        Path file = dir.resolve(fileName(key));
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, fileName(key), ".tmp");
            readableByAll(tmp);
            writeFile(tmp, key, data);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            removeStale(dir, file);
        } catch (IOException e) {
            LOG.warn("cannot write dataset cache {}: {}", file, e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", tmp, e.getMessage());
                }
            }
        }
    }

    /** Temporary files are private; the cache of a shared data folder should serve every user. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: keep its default permissions.
        }
    }

    /** Named by a hash of the folder (to find its stale files) and of the whole key. */
    String fileName(String key) {
        return PREFIX + hash(dataDir.toAbsolutePath().normalize().toString()) + "-" + hash(key) + ".bin";
    }

    private void removeStale(Path dir, Path current) throws IOException {
        String folderPrefix = PREFIX + hash(dataDir.toAbsolutePath().normalize().toString()) + "-";
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, folderPrefix + "*.bin")) {
            entries.forEach(p -> {
                if (!p.equals(current)) {
                    stale.add(p);
                }
            });
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
    }

    private static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void writeFile(Path file, String key, ImageData data) throws IOException {
        CRC32C crc = new CRC32C();
        try (DataOutputStream out = new DataOutputStream(
                new CheckedOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), crc))) {
            out.write(MAGIC);
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            out.writeInt(keyBytes.length);
            out.write(keyBytes);
            for (int v : new int[] {data.channels(), data.height(), data.width(), data.numClasses(),
                    data.train().size(), data.test().size()}) {
                out.writeInt(v);
            }
            out.write(ints(data.train().labels()));
            out.write(ints(data.test().labels()));
            out.write(data.train().pixels());
            out.write(data.test().pixels());
            out.writeLong(crc.getValue());
        }
    }

    private static ImageData readFile(Path file, String key, String name, boolean augment) throws IOException {
        long fileSize = Files.size(file);
        CRC32C crc = new CRC32C();
        try (DataInputStream in = new DataInputStream(
                new CheckedInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), crc))) {
            if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) {
                throw new IOException("not a prunebench cache file");
            }
            int keyLength = in.readInt();
            if (keyLength < 0 || keyLength > fileSize) {
                throw new IOException("corrupt header");
            }
            if (!new String(in.readNBytes(keyLength), StandardCharsets.UTF_8).equals(key)) {
                throw new IOException("written for another state of the folder");
            }
            int channels = in.readInt();
            int height = in.readInt();
            int width = in.readInt();
            int classes = in.readInt();
            int trainCount = in.readInt();
            int testCount = in.readInt();
            long examples = (long) trainCount + testCount;
            long sample = (long) channels * height * width;
            long expected = MAGIC.length + 4 + keyLength + 6 * 4 + examples * (4 + sample) + 8;
            if (channels < 1 || height < 1 || width < 1 || classes < 1 || trainCount < 0 || testCount < 0
                    || examples * Math.max(4, sample) > Integer.MAX_VALUE - 8 || expected != fileSize) {
                throw new IOException("corrupt header or wrong size (" + fileSize + " bytes)");
            }
            int[] trainLabels = ints(in.readNBytes(trainCount * 4));
            int[] testLabels = ints(in.readNBytes(testCount * 4));
            byte[] trainPixels = in.readNBytes((int) (trainCount * sample));
            byte[] testPixels = in.readNBytes((int) (testCount * sample));
            long computed = crc.getValue();
            if (in.readLong() != computed) {
                throw new IOException("checksum mismatch");
            }
            // The constructor re-checks buffer sizes and label ranges.
            return new ImageData(name, channels, height, width, classes, new ImageData.Split(trainPixels, trainLabels),
                    new ImageData.Split(testPixels, testLabels), augment);
        }
    }

    private static byte[] ints(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        b.asIntBuffer().put(values);
        return b.array();
    }

    private static int[] ints(byte[] bytes) {
        int[] values = new int[bytes.length / 4];
        ByteBuffer.wrap(bytes).asIntBuffer().get(values);
        return values;
    }
}
