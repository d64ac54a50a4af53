package prunebench.datasets.idx;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import prunebench.data.DatasetException;
import prunebench.datasets.Labels;

/**
 * One IDX file, the MNIST format: a big-endian magic number and dimension sizes, then unsigned bytes. Gzipped
 * when the name ends in {@code .gz}. The body is read with one bulk read straight into the array that becomes
 * the dataset, so decoding costs one copy.
 */
final class IdxFile {
    /** 0x00000803: unsigned bytes, 3 dimensions (count, rows, columns). */
    static final int IMAGES_MAGIC = 2051;
    /** 0x00000801: unsigned bytes, 1 dimension (count). */
    static final int LABELS_MAGIC = 2049;

    private IdxFile() {}

    record Images(int count, int rows, int cols, byte[] pixels) {}

    static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, IMAGES_MAGIC, 3);
            byte[] pixels = body(in, file, (long) dims[0] * dims[1] * dims[2]);
            return new Images(dims[0], dims[1], dims[2], pixels);
        }
    }

    static int[] readLabels(Path file, int numClasses) throws IOException {
        try (DataInputStream in = open(file)) {
            int count = header(in, file, LABELS_MAGIC, 1)[0];
            return Labels.decode(body(in, file, count), 0, 1, count, numClasses, file);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            InputStream in = file.getFileName().toString().endsWith(".gz")
                    ? new GZIPInputStream(raw, 1 << 16)
                    : new BufferedInputStream(raw, 1 << 16);
            return new DataInputStream(in);
        } catch (IOException e) {
            raw.close();
            throw new DatasetException(file + ": not a gzip file (" + e.getMessage() + ")", e);
        }
    }

    private static int[] header(DataInputStream in, Path file, int magic, int dims) {
        int[] sizes = new int[dims];
        try {
            int found = in.readInt();
            if (found != magic) {
                throw new DatasetException(file + ": wrong magic number " + found + describe(found) + ", expected "
                        + magic + describe(magic));
            }
            for (int d = 0; d < dims; d++) {
                sizes[d] = in.readInt();
                if (sizes[d] < 0) {
                    throw new DatasetException(file + ": negative dimension " + sizes[d] + " in the header");
                }
            }
        } catch (IOException e) {
            throw new DatasetException(file + ": truncated, the header needs " + 4 * (dims + 1) + " bytes", e);
        }
        return sizes;
    }

    private static String describe(int magic) {
        return switch (magic) {
            case IMAGES_MAGIC -> " (an IDX image file)";
            case LABELS_MAGIC -> " (an IDX label file)";
            default -> "";
        };
    }

    /** Exactly the {@code size} bytes the header promises: fewer is a truncated file, more a wrong header. */
    private static byte[] body(DataInputStream in, Path file, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new DatasetException(file + ": header promises " + size + " bytes, more than one array can hold");
        }
        byte[] data = new byte[(int) size];
        try {
            int read = in.readNBytes(data, 0, data.length);
            if (read < data.length) {
                throw new DatasetException(file + ": truncated, " + read + " data bytes after the header, which promises "
                        + size);
            }
            if (in.read() != -1) {
                throw new DatasetException(file + ": more data than the " + size + " bytes its header promises");
            }
        } catch (EOFException e) {
            // A gzip stream cut short fails inside the inflater rather than returning a short count.
            throw new DatasetException(file + ": truncated, the compressed data ends before the " + size
                    + " bytes its header promises", e);
        } catch (IOException e) {
            throw new DatasetException(file + ": unreadable (" + e.getMessage() + ")", e);
        }
        return data;
    }
}
