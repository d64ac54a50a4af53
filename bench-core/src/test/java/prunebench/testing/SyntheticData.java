package prunebench.testing;

import java.util.Random;
import prunebench.data.ImageData;

/**
 * A small learnable image dataset for tests: each class is a fixed random template plus noise, so a network can
 * reach high accuracy in an epoch and pruning measurably hurts it.
 */
public final class SyntheticData {
    private SyntheticData() {}

    public static ImageData create(int train, int test, int channels, int size, int classes, long seed) {
        Random r = new Random(seed);
        int sample = channels * size * size;
        float[][] templates = new float[classes][sample];
        for (float[] t : templates) {
            for (int i = 0; i < sample; i++) {
                t[i] = r.nextFloat();
            }
        }
        return new ImageData("synthetic", channels, size, size, classes, split(train, templates, r),
                split(test, templates, r), false);
    }

    private static ImageData.Split split(int n, float[][] templates, Random r) {
        int sample = templates[0].length;
        byte[] px = new byte[n * sample];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % templates.length;
            labels[i] = c;
            for (int j = 0; j < sample; j++) {
                double v = 0.6 * templates[c][j] + 0.4 * r.nextFloat();
                px[i * sample + j] = (byte) Math.min(255, Math.max(0, (int) (v * 255)));
            }
        }
        return new ImageData.Split(px, labels);
    }
}
