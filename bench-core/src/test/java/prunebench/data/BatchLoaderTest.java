package prunebench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import prunebench.testing.SyntheticData;

class BatchLoaderTest {
    private final ImageData data = SyntheticData.create(64, 16, 3, 8, 4, 3);

    private float[] firstBatch(BatchLoader loader, long seed, int epoch) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            int[] order = loader.order(seed, epoch, true);
            return loader.batch(m, order, 0, 16, loader.augmentation(seed, epoch)).images().toFloatArray();
        }
    }

    @Test
    void augmentationAndOrderAreDeterminedBySeedAndEpoch() {
        BatchLoader loader = new BatchLoader(data, data.train(), true, Device.cpu());
        assertArrayEquals(firstBatch(loader, 5, 2), firstBatch(loader, 5, 2));
        assertFalse(Arrays.equals(firstBatch(loader, 5, 2), firstBatch(loader, 5, 3)));
        assertFalse(Arrays.equals(firstBatch(loader, 5, 2), firstBatch(loader, 6, 2)));
    }

    @Test
    void plainBatchesAreNormalisedPixelsInOrder() {
        BatchLoader loader = new BatchLoader(data, data.test(), false, Device.cpu());
        float[] mean = data.channelMean();
        float[] std = data.channelStd();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            BatchLoader.Batch b = loader.batch(m, loader.order(0, 0, false), 1, 10, null);
            assertEquals(6, b.size(), "the last batch is short, not padded");
            int sample = 3 * 8 * 8;
            float[] x = b.images().toFloatArray();
            // Example 10, channel 2, pixel 5: (p/255 - mean) / std.
            int p = data.test().pixels()[10 * sample + 2 * 64 + 5] & 0xFF;
            assertEquals((p / 255f - mean[2]) / std[2], x[2 * 64 + 5], 1e-5f);
            assertArrayEquals(new long[] {2, 3, 0, 1, 2, 3}, b.labels().toLongArray());
        }
    }

    @Test
    void cropAndFlipMovePixelsWithinThePaddedImage() {
        // An image whose pixel value encodes its column: after a flip, the first column holds the last one.
        byte[] px = new byte[8 * 8];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (10 * (i % 8) + 5);
        }
        ImageData one = new ImageData("cols", 1, 8, 8, 2, new ImageData.Split(px, new int[] {0}),
                new ImageData.Split(px.clone(), new int[] {1}), true);
        BatchLoader loader = new BatchLoader(one, one.train(), true, Device.cpu());
        float mean = one.channelMean()[0];
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (int epoch = 0; epoch < 20; epoch++) {
                float[] x = loader.batch(m, new int[] {0}, 0, 1, loader.augmentation(1, epoch)).images()
                        .toFloatArray();
                for (int row = 0; row < 8; row++) {
                    for (int col = 0; col < 8; col++) {
                        float raw = x[row * 8 + col] * one.channelStd()[0] + mean;
                        int value = Math.round(raw * 255f);
                        // Either zero padding or a column value 10*c+5 for some column c.
                        assertEquals(true, value == 0 || (value - 5) % 10 == 0, "epoch " + epoch + ": " + value
                               );
                    }
                }
            }
        }
    }

    /** Two 1x2x2 training images, pixel 3 black in both: the mean image is (10, 25, 40, 0) / 255 per pixel. */
    private static ImageData twoImages() {
        byte[] train = {0, 20, 80, 0, 20, 30, 0, 0};
        byte[] test = {(byte) 255, 25, 40, 0};
        return new ImageData("two", 1, 2, 2, 2, new ImageData.Split(train, new int[] {0, 1}),
                new ImageData.Split(test, new int[] {1}), false);
    }

    private static float[] testImage(ImageData d, Normalization n) {
        BatchLoader loader = new BatchLoader(d, d.test(), false, Device.cpu(), n);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return loader.batch(m, new int[] {0}, 0, 1, null).images().toFloatArray();
        }
    }

    @Test
    void meanImageSubtractsEachPixelsTrainingMeanSoAnAlwaysBlackPixelIsZero() {
        float[] x = testImage(twoImages(), Normalization.MEAN_IMAGE);
        assertArrayEquals(new float[] {(255 - 10) / 255f, 0f, 0f, 0f}, x, 1e-6f);
    }

    @Test
    void unitIsThePixelOver255AndChannelStandardisesByTheTrainingMoments() {
        ImageData d = twoImages();
        assertArrayEquals(new float[] {1f, 25 / 255f, 40 / 255f, 0f}, testImage(d, Normalization.UNIT), 1e-6f);
        // training pixels 0, 20, 80, 0, 20, 30, 0, 0: mean 150/8/255, std from the same eight values
        double mean = 150 / 8.0 / 255;
        double var = (20 * 20 + 80 * 80 + 20 * 20 + 30 * 30) / 8.0 / 255 / 255 - mean * mean;
        float[] x = testImage(d, Normalization.CHANNEL);
        assertEquals((float) ((1 - mean) / Math.sqrt(var)), x[0], 1e-5f);
        assertEquals((float) (-mean / Math.sqrt(var)), x[3], 1e-5f, "black is below zero under channel");
        assertArrayEquals(x, testImage(d, Normalization.of(null)), "the default is channel");
    }
}
