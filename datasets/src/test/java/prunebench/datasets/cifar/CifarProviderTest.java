package prunebench.datasets.cifar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.data.DatasetException;
import prunebench.data.ImageData;

class CifarProviderTest {
    private final CifarProvider provider = new CifarProvider();

    @TempDir
    Path root;

    /** The pixel written for example {@code g} (numbered across a split's files) at channel c, row y, column x. */
    private static int pixel(int g, int c, int y, int x) {
        return (g * 31 + c * 101 + y * 7 + x * 3) & 0xFF;
    }

    /** {@code count} records starting at example {@code first}, with the given label bytes before each image. */
    private static byte[] records(int first, int count, int[][] labelBytes) {
        int labelCount = labelBytes[0].length;
        int size = labelCount + 3072;
        byte[] data = new byte[count * size];
        for (int r = 0; r < count; r++) {
            int base = r * size;
            for (int l = 0; l < labelCount; l++) {
                data[base + l] = (byte) labelBytes[first + r][l];
            }
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        data[base + labelCount + c * 1024 + y * 32 + x] = (byte) pixel(first + r, c, y, x);
                    }
                }
            }
        }
        return data;
    }

    private static int[][] cifar10Labels(int n) {
        int[][] labels = new int[n][];
        for (int g = 0; g < n; g++) {
            labels[g] = new int[] {(g * 3) % 10};
        }
        return labels;
    }

    /** Five training batches of two records each, and a test batch of three. */
    private Path writeCifar10(Path dir) throws IOException {
        Files.createDirectories(dir);
        int[][] train = cifar10Labels(10);
        for (int b = 0; b < 5; b++) {
            Files.write(dir.resolve("data_batch_" + (b + 1) + ".bin"), records(2 * b, 2, train));
        }
        Files.write(dir.resolve("test_batch.bin"), records(0, 3, cifar10Labels(3)));
        return dir;
    }

    private static int at(ImageData data, ImageData.Split split, int example, int c, int y, int x) {
        return split.pixels()[example * data.sampleSize() + (c * data.height() + y) * data.width() + x] & 0xFF;
    }

    @Test
    void readsCifar10FromTheParentFolder() throws IOException {
        writeCifar10(root.resolve("cifar-10-batches-bin"));
        assertTrue(provider.isPresent("cifar10", root));
        ImageData data = provider.load("cifar-10", root);
        assertEquals("cifar10", data.name());
        assertEquals(3, data.channels());
        assertEquals(32, data.height());
        assertEquals(32, data.width());
        assertEquals(10, data.numClasses());
        assertTrue(data.augmentByDefault());
        assertArrayEquals(new int[] {0, 3, 6, 9, 2, 5, 8, 1, 4, 7}, data.train().labels());
        assertArrayEquals(new int[] {0, 3, 6}, data.test().labels());
        assertEquals(10 * 3072, data.train().pixels().length);
        // Example 5 is the second record of data_batch_3; green plane, last row, first column.
        assertEquals(pixel(5, 1, 31, 0), at(data, data.train(), 5, 1, 31, 0));
        assertEquals(pixel(9, 2, 31, 31), at(data, data.train(), 9, 2, 31, 31));
        assertEquals(pixel(0, 0, 0, 0), at(data, data.train(), 0, 0, 0, 0));
        assertEquals(pixel(2, 2, 17, 5), at(data, data.test(), 2, 2, 17, 5));
    }

    @Test
    void readsCifar10FromTheBatchFolderItself() throws IOException {
        Path dir = writeCifar10(root.resolve("cifar-10-batches-bin"));
        assertTrue(provider.isPresent("cifar10", dir));
        ImageData data = provider.load("cifar10", dir);
        assertEquals(10, data.train().size());
        assertEquals(pixel(7, 0, 3, 4), at(data, data.train(), 7, 0, 3, 4));
    }

    @Test
    void truncatedBatchNamesFileSizeAndExpectedSize() throws IOException {
        Path dir = writeCifar10(root);
        byte[] batch = Files.readAllBytes(dir.resolve("data_batch_4.bin"));
        Files.write(dir.resolve("data_batch_4.bin"), Arrays.copyOf(batch, batch.length - 100));
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("cifar10", dir));
        assertTrue(e.getMessage().contains("data_batch_4.bin: truncated, 6046 bytes is not a whole number of "
                + "3073-byte records (the official file has 30730000 bytes)"), e.getMessage());
    }

    @Test
    void missingTestBatchIsNamed() throws IOException {
        Path dir = writeCifar10(root);
        Files.delete(dir.resolve("test_batch.bin"));
        assertFalse(provider.isPresent("cifar10", dir));
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("cifar10", dir));
        assertEquals(dir.resolve("test_batch.bin") + " is missing (the official file has 30730000 bytes)",
                e.getMessage());
    }

    @Test
    void labelOutOfRangeIsNamed() throws IOException {
        Path dir = writeCifar10(root);
        int[][] labels = cifar10Labels(3);
        labels[1][0] = 10;
        Files.write(dir.resolve("test_batch.bin"), records(0, 3, labels));
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("cifar10", dir));
        assertTrue(e.getMessage().contains("test_batch.bin: label 10 of example 1 is outside 0..9"), e.getMessage());
    }

    private static int[][] cifar100Labels(int n) {
        int[][] labels = new int[n][];
        for (int g = 0; g < n; g++) {
            labels[g] = new int[] {g % 20, (g * 7 + 90) % 100};
        }
        return labels;
    }

    private void writeCifar100() throws IOException {
        Path dir = Files.createDirectories(root.resolve("cifar-100-binary"));
        Files.write(dir.resolve("train.bin"), records(0, 4, cifar100Labels(4)));
        Files.write(dir.resolve("test.bin"), records(0, 2, cifar100Labels(2)));
    }

    @Test
    void cifar100UsesFineLabels() throws IOException {
        writeCifar100();
        ImageData data = provider.load("cifar-100", root);
        assertEquals("cifar100", data.name());
        assertEquals(100, data.numClasses());
        assertArrayEquals(new int[] {90, 97, 4, 11}, data.train().labels());
        assertArrayEquals(new int[] {90, 97}, data.test().labels());
        // Two label bytes precede each image: the pixels must not be shifted by one.
        assertEquals(pixel(3, 0, 0, 0), at(data, data.train(), 3, 0, 0, 0));
        assertEquals(pixel(3, 2, 31, 31), at(data, data.train(), 3, 2, 31, 31));
        assertEquals(pixel(1, 1, 10, 20), at(data, data.test(), 1, 1, 10, 20));
    }

    @Test
    void cifar100CoarseUsesCoarseLabels() throws IOException {
        writeCifar100();
        assertTrue(provider.isPresent("cifar100-coarse", root));
        ImageData data = provider.load("cifar100-coarse", root);
        assertEquals("cifar100-coarse", data.name());
        assertEquals(20, data.numClasses());
        assertArrayEquals(new int[] {0, 1, 2, 3}, data.train().labels());
        assertEquals(pixel(2, 1, 5, 6), at(data, data.train(), 2, 1, 5, 6));
    }

    @Test
    void truncatedCifar100TrainNamesExpectedSize() throws IOException {
        writeCifar100();
        Path train = root.resolve("cifar-100-binary/train.bin");
        Files.write(train, Arrays.copyOf(Files.readAllBytes(train), 3074 + 1));
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("cifar100", root));
        assertTrue(e.getMessage().contains("train.bin: truncated, 3075 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("153700000 bytes"), e.getMessage());
    }

    @Test
    void namesAndLayout() {
        assertEquals(java.util.List.of("cifar10", "cifar-10", "cifar100", "cifar-100", "cifar100-coarse",
                "cifar-100-coarse"), provider.names());
        assertTrue(provider.expectedLayout("cifar10").startsWith("cifar-10-batches-bin/{data_batch_1.bin,"));
    }
}
