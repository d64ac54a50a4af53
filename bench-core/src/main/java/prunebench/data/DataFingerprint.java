package prunebench.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What data a run was trained and tested on: the SHA-256 of the decoded arrays (shape, classes, every pixel and
 * label of both splits, after {@code max_train}/{@code max_test}), and for the record the folder's files with their
 * sizes. The hash is of what the readers decoded, not of the files, so a gzipped and a plain copy of the same
 * IDX files, or the same data in another folder, are the same data; a relabelled or different copy is not.
 * Computed once per process when the data is loaded (0.2-0.8 s for Fashion-MNIST on a busy machine; decoding it
 * takes 2 s).
 *
 * @param sha256 hex SHA-256 of the decoded data
 * @param root   the folder the data was read from
 * @param files  the regular files under {@code root} (up to {@link #LISTED}, relative paths) and their sizes
 * @param fileCount  how many files there are in all
 * @param bytes  their total size
 */
public record DataFingerprint(String sha256, String root, int trainExamples, int testExamples, List<FileEntry> files,
        long fileCount, long bytes) {
    /** Files listed by name; a folder of images is summarised by count and size beyond this. */
    static final int LISTED = 64;

    /** One file of the dataset's folder. */
    public record FileEntry(String path, long bytes) {}

    /** The first 12 hex digits, as shown in messages. */
    public String shortHash() {
        return sha256.substring(0, 12);
    }

    public static DataFingerprint of(ImageData data, Path root) {
        List<FileEntry> listed = new ArrayList<>();
        long count = 0;
        long bytes = 0;
        try (Stream<Path> files = Files.walk(root, 4)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                long size = size(f);
                if (listed.size() < LISTED) {
                    listed.add(new FileEntry(root.relativize(f).toString(), size));
                }
                count++;
                bytes += size;
            }
        } catch (IOException | UncheckedIOException e) {
            // the listing is for the record; the hash of the decoded data is what identifies it
        }
        return new DataFingerprint(hash(data), root.toAbsolutePath().normalize().toString(), data.train().size(),
                data.test().size(), List.copyOf(listed), count, bytes);
    }

    static String hash(ImageData data) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        ByteBuffer header = ByteBuffer.allocate(6 * Integer.BYTES).putInt(data.channels()).putInt(data.height())
                .putInt(data.width()).putInt(data.numClasses()).putInt(data.train().size()).putInt(data.test().size());
        sha.update(header.array());
        for (ImageData.Split split : List.of(data.train(), data.test())) {
            sha.update(split.pixels());
            ByteBuffer labels = ByteBuffer.allocate(split.labels().length * Integer.BYTES);
            labels.asIntBuffer().put(split.labels());
            sha.update(labels.array());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return -1;
        }
    }
}
