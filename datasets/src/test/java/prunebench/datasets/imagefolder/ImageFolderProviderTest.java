package prunebench.datasets.imagefolder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.data.DatasetException;
import prunebench.data.ImageData;

class ImageFolderProviderTest {
    private static final int W = 3;
    private static final int H = 2;

    @TempDir
    Path dir;

    @TempDir
    Path home;

    private final ImageFolderProvider provider = new ImageFolderProvider(Map.of(), Path.of("/nonexistent-home"));

    /** Red, green and blue of pixel (x, y) of the image with the given seed: distinct per image and position. */
    private static int red(int seed, int x, int y) {
        return (seed * 40 + x * 10 + y) & 0xFF;
    }

    private static int green(int seed, int x, int y) {
        return (255 - seed * 20 - x - y * 5) & 0xFF;
    }

    private static int blue(int seed, int x, int y) {
        return (seed * 7 + x * y * 30 + 128) & 0xFF;
    }

    private static void colourPng(Path file, int seed, int w, int h) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, red(seed, x, y) << 16 | green(seed, x, y) << 8 | blue(seed, x, y));
            }
        }
        write(image, "png", file);
    }

    private static void grayPng(Path file, int seed) throws IOException {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                image.getRaster().setSample(x, y, 0, red(seed, x, y));
            }
        }
        write(image, "png", file);
    }

    private static void write(BufferedImage image, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, format, file.toFile()), "no ImageIO writer for " + format);
    }

    /**
     * Classes b_cat (3 train images) and a_dog (2), one test image each, plus files that must be skipped. Seeds:
     * a_dog/x0=1, x1=2; b_cat/c0=3, c1=4, c2=5; test a_dog/t=6, b_cat/t=7.
     */
    private void colourFolder() throws IOException {
        colourPng(dir.resolve("train/a_dog/x1.png"), 2, W, H);
        colourPng(dir.resolve("train/a_dog/x0.png"), 1, W, H);
        colourPng(dir.resolve("train/b_cat/c0.png"), 3, W, H);
        colourPng(dir.resolve("train/b_cat/c2.png"), 5, W, H);
        colourPng(dir.resolve("train/b_cat/c1.png"), 4, W, H);
        colourPng(dir.resolve("test/a_dog/t.png"), 6, W, H);
        colourPng(dir.resolve("test/b_cat/t.png"), 7, W, H);
        Files.writeString(dir.resolve("train/b_cat/notes.txt"), "not an image");
        Files.writeString(dir.resolve("train/b_cat/.hidden.png"), "not an image either");
    }

    private static int at(ImageData data, ImageData.Split split, int example, int c, int y, int x) {
        return split.pixels()[example * data.sampleSize() + (c * data.height() + y) * data.width() + x] & 0xFF;
    }

    private static void assertColour(ImageData data, ImageData.Split split, int example, int seed) {
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                assertEquals(red(seed, x, y), at(data, split, example, 0, y, x));
                assertEquals(green(seed, x, y), at(data, split, example, 1, y, x));
                assertEquals(blue(seed, x, y), at(data, split, example, 2, y, x));
            }
        }
    }

    private List<Path> cacheFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().startsWith("prunebench-imagefolder-")).toList();
        }
    }

    @Test
    void readsColourImagesWithClassesInterleaved() throws IOException {
        colourFolder();
        assertTrue(provider.isPresent("imagefolder", dir));
        ImageData data = provider.load("imagefolder", dir);
        assertEquals("imagefolder", data.name());
        assertEquals(3, data.channels());
        assertEquals(H, data.height());
        assertEquals(W, data.width());
        assertEquals(2, data.numClasses());
        assertFalse(data.augmentByDefault());
        // Sorted classes a_dog=0, b_cat=1; files by name within a class, classes interleaved.
        assertArrayEquals(new int[] {0, 1, 0, 1, 1}, data.train().labels());
        int[] seeds = {1, 3, 2, 4, 5};
        for (int i = 0; i < seeds.length; i++) {
            assertColour(data, data.train(), i, seeds[i]);
        }
        assertArrayEquals(new int[] {0, 1}, data.test().labels());
        assertColour(data, data.test(), 0, 6);
        assertColour(data, data.test(), 1, 7);
    }

    @Test
    void cifar10JpgNameAugmentsByDefault() throws IOException {
        colourFolder();
        ImageData data = provider.load("cifar10-jpg", dir);
        assertEquals("cifar10-jpg", data.name());
        assertTrue(data.augmentByDefault());
    }

    @Test
    void readsGrayscaleAsOneChannel() throws IOException {
        grayPng(dir.resolve("train/zero/a.png"), 1);
        grayPng(dir.resolve("train/one/a.png"), 2);
        grayPng(dir.resolve("test/zero/a.png"), 3);
        grayPng(dir.resolve("test/one/a.png"), 4);
        ImageData data = provider.load("imagefolder", dir);
        assertEquals(1, data.channels());
        assertEquals(W * H, data.sampleSize());
        assertArrayEquals(new int[] {0, 1}, data.train().labels());
        // Class "one" sorts before "zero": train example 0 is one/a.png (seed 2).
        assertEquals(red(2, 2, 1), at(data, data.train(), 0, 0, 1, 2));
        assertEquals(red(1, 1, 0), at(data, data.train(), 1, 0, 0, 1));
        assertEquals(red(3, 0, 1), at(data, data.test(), 1, 0, 1, 0));
    }

    @Test
    void sixteenBitGrayIsScaledToBytes() throws IOException {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setSample(0, 0, 0, 65535);
        image.getRaster().setSample(1, 0, 0, 100 * 257);
        write(image, "png", dir.resolve("train/c/a.png"));
        write(image, "png", dir.resolve("test/c/a.png"));
        ImageData data = provider.load("imagefolder", dir);
        assertEquals(1, data.channels());
        assertEquals(255, data.train().pixels()[0] & 0xFF);
        assertEquals(100, data.train().pixels()[1] & 0xFF);
    }

    @Test
    void decodesJpegsWithinCompressionError() throws IOException {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, 200 << 16 | 40 << 8 | 90);
            }
        }
        write(image, "jpg", dir.resolve("train/c/a.jpg"));
        write(image, "jpeg", dir.resolve("test/c/b.JPEG"));
        ImageData data = provider.load("imagefolder", dir);
        assertEquals(3, data.channels());
        assertEquals(1, data.test().size());
        int plane = 16 * 16;
        for (int[] expected : new int[][] {{0, 200}, {1, 40}, {2, 90}}) {
            int value = data.train().pixels()[expected[0] * plane + 5 * 16 + 7] & 0xFF;
            assertTrue(Math.abs(value - expected[1]) <= 3, "channel " + expected[0] + ": " + value);
        }
    }

    @Test
    void mismatchedClassSetsAreListed() throws IOException {
        colourFolder();
        colourPng(dir.resolve("test/c_bird/t.png"), 8, W, H);
        Files.delete(dir.resolve("test/a_dog/t.png"));
        Files.delete(dir.resolve("test/a_dog"));
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("imagefolder", dir));
        assertTrue(e.getMessage().contains("differ: only in train [a_dog], only in test [c_bird]"), e.getMessage());
    }

    @Test
    void firstImageOfAnotherSizeIsNamed() throws IOException {
        colourFolder();
        // Load order: x0, c0, x1, c1, c2. Both c1 and x1 differ; x1 comes first.
        colourPng(dir.resolve("train/b_cat/c1.png"), 4, W + 1, H);
        colourPng(dir.resolve("train/a_dog/x1.png"), 2, W, H + 1);
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("imagefolder", dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("train/a_dog/x1.png") + " is 3x3 colour but "
                + dir.resolve("train/a_dog/x0.png") + " is 3x2 colour"), e.getMessage());
    }

    @Test
    void grayscaleAmongColourIsNamed() throws IOException {
        colourFolder();
        grayPng(dir.resolve("test/b_cat/t.png"), 7);
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("imagefolder", dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("test/b_cat/t.png") + " is 3x2 grayscale"), e.getMessage());
    }

    @Test
    void undecodableFileIsNamed() throws IOException {
        colourFolder();
        Files.writeString(dir.resolve("train/b_cat/c2.png"), "not a png");
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("imagefolder", dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("train/b_cat/c2.png") + ": not an image format"),
                e.getMessage());
    }

    @Test
    void missingTestFolder() throws IOException {
        colourPng(dir.resolve("train/a/x.png"), 1, W, H);
        assertFalse(provider.isPresent("imagefolder", dir));
        DatasetException e = assertThrows(DatasetException.class, () -> provider.load("imagefolder", dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("test") + " is missing"), e.getMessage());
    }

    @Test
    void secondLoadComesFromTheCacheNextToTheData() throws IOException {
        colourFolder();
        provider.load("imagefolder", dir);
        assertEquals(1, cacheFiles(dir).size());
        // Same size, same modification time, other content: only a cache hit still yields the original pixels.
        Path file = dir.resolve("train/b_cat/c1.png");
        FileTime mtime = Files.getLastModifiedTime(file);
        Files.write(file, new byte[(int) Files.size(file)]);
        Files.setLastModifiedTime(file, mtime);
        ImageData data = provider.load("cifar10-jpg", dir);
        assertColour(data, data.train(), 3, 4);
        assertArrayEquals(new int[] {0, 1, 0, 1, 1}, data.train().labels());
        // Name-dependent fields come from the request, not the cache.
        assertEquals("cifar10-jpg", data.name());
        assertTrue(data.augmentByDefault());
    }

    @Test
    void corruptCacheIsIgnoredAndRewritten() throws IOException {
        colourFolder();
        provider.load("imagefolder", dir);
        Path cache = cacheFiles(dir).get(0);
        byte[] good = Files.readAllBytes(cache);
        byte[] bad = good.clone();
        bad[bad.length - 20] ^= 0x55;
        Files.write(cache, bad);
        ImageData data = provider.load("imagefolder", dir);
        assertColour(data, data.train(), 4, 5);
        assertArrayEquals(good, Files.readAllBytes(cache));

        Files.write(cache, new byte[] {1, 2, 3});
        assertColour(provider.load("imagefolder", dir), data.train(), 1, 3);
        assertArrayEquals(good, Files.readAllBytes(cache));
    }

    @Test
    void changedFolderIsDecodedAgainAndTheStaleCacheRemoved() throws IOException {
        colourFolder();
        provider.load("imagefolder", dir);
        Path first = cacheFiles(dir).get(0);
        colourPng(dir.resolve("train/a_dog/x2.png"), 9, W, H);
        ImageData data = provider.load("imagefolder", dir);
        assertEquals(6, data.train().size());
        assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1}, data.train().labels());
        assertColour(data, data.train(), 4, 9);
        List<Path> caches = cacheFiles(dir);
        assertEquals(1, caches.size());
        assertFalse(caches.contains(first));
    }

    @Test
    void unwritableDataFolderUsesTheUserCache() throws IOException {
        Path cacheRoot = home.resolve("cache-root");
        ImageFolderProvider withEnv = new ImageFolderProvider(Map.of("PRUNEBENCH_CACHE", cacheRoot.toString()), home);
        Path absent = dir.resolve("absent");
        assertEquals(cacheRoot, withEnv.cache(absent).location());
        assertEquals(home.resolve(".cache/prunebench"),
                new ImageFolderProvider(Map.of(), home).cache(absent).location());
        assertEquals(dir, withEnv.cache(dir).location());

        colourFolder();
        ImageData data = provider.load("imagefolder", dir);
        DecodedCache cache = new DecodedCache(absent, cacheRoot);
        cache.write("key", data);
        assertEquals(1, cacheFiles(cacheRoot).size());
        ImageData back = cache.read("key", "imagefolder", false).orElseThrow();
        assertArrayEquals(data.train().pixels(), back.train().pixels());
        assertArrayEquals(data.test().labels(), back.test().labels());
        assertTrue(cache.read("other key", "imagefolder", false).isEmpty());
    }
}
