package prunebench.datasets.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.data.DatasetException;
import prunebench.data.ImageData;

class IdxProviderTest {
    private static final int ROWS = 2;
    private static final int COLS = 3;

    private final IdxProvider provider = new IdxProvider();

    @TempDir
    Path dir;

    /** Pixel j of image i: distinct per position, and above 127 for some so sign handling is exercised. */
    private static byte[] pixels(int count, int salt) {
        byte[] px = new byte[count * ROWS * COLS];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (salt + i * 37);
        }
        return px;
    }

    private static byte[] idx(int magic, int[] dims, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(body).array();
    }

    private static byte[] images(byte[] px) {
        return idx(IdxFile.IMAGES_MAGIC, new int[] {px.length / (ROWS * COLS), ROWS, COLS}, px);
    }

    private static byte[] labels(int... labels) {
        byte[] body = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            body[i] = (byte) labels[i];
        }
        return idx(IdxFile.LABELS_MAGIC, new int[] {labels.length}, body);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private void write(String name, byte[] data, boolean gz) throws IOException {
        Files.write(dir.resolve(gz ? name + ".gz" : name), gz ? gzip(data) : data);
    }

    private void writeDataset(boolean gz) throws IOException {
        write("train-images-idx3-ubyte", images(pixels(3, 5)), gz);
        write("train-labels-idx1-ubyte", labels(7, 0, 9), gz);
        write("t10k-images-idx3-ubyte", images(pixels(2, 100)), gz);
        write("t10k-labels-idx1-ubyte", labels(3, 8), gz);
    }

    private void assertDataset(ImageData data, String name) {
        assertEquals(name, data.name());
        assertEquals(1, data.channels());
        assertEquals(ROWS, data.height());
        assertEquals(COLS, data.width());
        assertEquals(10, data.numClasses());
        assertFalse(data.augmentByDefault());
        assertArrayEquals(new int[] {7, 0, 9}, data.train().labels());
        assertArrayEquals(new int[] {3, 8}, data.test().labels());
        byte[] train = data.train().pixels();
        assertEquals(18, train.length);
        assertEquals(5, train[0] & 0xFF);
        // Image 1, row 1, column 2: flat index 6 + 3 + 2 = 11 -> (5 + 11*37) mod 256 = 156.
        assertEquals(156, train[11] & 0xFF);
        assertEquals((5 + 17 * 37) & 0xFF, train[17] & 0xFF);
        assertEquals(12, data.test().pixels().length);
        assertEquals((100 + 7 * 37) & 0xFF, data.test().pixels()[7] & 0xFF);
    }

    @Test
    void readsGzippedFiles() throws IOException {
        writeDataset(true);
        assertTrue(provider.isPresent("mnist", dir));
        assertDataset(provider.load("mnist", dir), "mnist");
    }

    @Test
    void readsPlainFilesAndCanonicalisesAliases() throws IOException {
        writeDataset(false);
        assertDataset(provider.load("fashion_mnist", dir), "fashion-mnist");
        assertDataset(provider.load("fashionmnist", dir), "fashion-mnist");
    }

    @Test
    void mixedGzipAndPlainFilesArePresent() throws IOException {
        writeDataset(true);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        assertFalse(provider.isPresent("mnist", dir));
        write("t10k-labels-idx1-ubyte", labels(3, 8), false);
        assertTrue(provider.isPresent("mnist", dir));
        assertDataset(provider.load("mnist", dir), "mnist");
    }

    @Test
    void truncatedImageFileNamesFileAndSizes() throws IOException {
        writeDataset(false);
        byte[] full = images(pixels(3, 5));
        write("train-images-idx3-ubyte", Arrays.copyOf(full, full.length - 4), false);
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("mnist", dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated, 14 data bytes after the header, which promises 18"),
                e.getMessage());
    }

    @Test
    void truncatedGzipIsReported() throws IOException {
        writeDataset(true);
        byte[] gz = gzip(images(pixels(3, 5)));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("mnist", dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz: truncated"), e.getMessage());
    }

    @Test
    void extraBytesAfterTheBodyAreReported() throws IOException {
        writeDataset(false);
        byte[] full = images(pixels(3, 5));
        write("t10k-images-idx3-ubyte", Arrays.copyOf(images(pixels(2, 100)), full.length), false);
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("mnist", dir));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte: more data than the 12 bytes"), e.getMessage());
    }

    @Test
    void wrongMagicNamesBothNumbers() throws IOException {
        writeDataset(true);
        // Labels where images belong: the classic swapped-files mistake.
        write("train-images-idx3-ubyte", labels(1, 2, 3), true);
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("mnist", dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz: wrong magic number 2049 (an IDX label file), "
                + "expected 2051 (an IDX image file)"), e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesFileExampleAndValue() throws IOException {
        writeDataset(false);
        write("t10k-labels-idx1-ubyte", labels(3, 10), false);
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("mnist", dir));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte: label 10 of example 1 is outside 0..9"),
                e.getMessage());
    }

    @Test
    void countMismatchBetweenImagesAndLabels() throws IOException {
        writeDataset(false);
        write("train-labels-idx1-ubyte", labels(7, 0), false);
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("mnist", dir));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte: 2 labels, but"), e.getMessage());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte has 3 images"), e.getMessage());
    }

    @Test
    void namesAndHints() {
        assertEquals(java.util.List.of("mnist", "fashion-mnist", "fashion_mnist", "fashionmnist"), provider.names());
        assertTrue(provider.installHint("fashion-mnist").contains("sudo apt-get install dataset-fashion-mnist"));
        assertTrue(provider.expectedLayout("mnist").contains("t10k-labels-idx1-ubyte"));
    }

    @Test
    void realFashionMnist() throws IOException {
        Path real = Path.of("/usr/share/datasets/fashion-mnist");
        Assumptions.assumeTrue(provider.isPresent("fashion-mnist", real), "Fashion-MNIST not installed");
        ImageData data = provider.load("fashion-mnist", real);
        assertEquals(60_000, data.train().size());
        assertEquals(10_000, data.test().size());
        assertEquals(28, data.height());
        assertEquals(28, data.width());
        assertEquals(60_000 * 784, data.train().pixels().length);
        // The first training image is an ankle boot (class 9), the first test image too.
        assertEquals(9, data.train().labels()[0]);
        assertEquals(9, data.test().labels()[0]);
        assertEquals(6_000, Arrays.stream(data.train().labels()).filter(l -> l == 0).count());
    }
}
