package prunebench.data;

import java.util.Arrays;

/**
 * A whole image-classification dataset decoded once into memory as unsigned bytes (N x C x H x W, row-major),
 * so that batches are assembled by copying, never by decoding. Normalisation statistics are computed from the
 * training split.
 */
public record ImageData(
        String name, int channels, int height, int width, int numClasses, Split train, Split test,
        boolean augmentByDefault) {

    public ImageData {
        int sampleSize = channels * height * width;
        for (Split split : new Split[] {train, test}) {
            if (split.pixels().length != (long) split.size() * sampleSize) {
                throw new IllegalArgumentException(name + ": pixel buffer of " + split.pixels().length
                        + " bytes does not hold " + split.size() + " images of " + sampleSize + " bytes");
            }
            for (int label : split.labels()) {
                if (label < 0 || label >= numClasses) {
                    throw new IllegalArgumentException(name + ": label " + label + " outside 0.." + (numClasses - 1));
                }
            }
        }
    }

    /** One split: pixels as unsigned bytes, labels in 0..numClasses-1. */
    public record Split(byte[] pixels, int[] labels) {
        public int size() {
            return labels.length;
        }

        /** The first {@code n} examples (the datasets are stored shuffled), or this split if it is smaller. */
        public Split head(int n, int sampleSize) {
            if (n >= size()) {
                return this;
            }
            return new Split(Arrays.copyOf(pixels, n * sampleSize), Arrays.copyOf(labels, n));
        }
    }

    public int sampleSize() {
        return channels * height * width;
    }

    /** Caps both splits (null keeps a split whole). */
    public ImageData capped(Integer maxTrain, Integer maxTest) {
        Split tr = maxTrain == null ? train : train.head(maxTrain, sampleSize());
        Split te = maxTest == null ? test : test.head(maxTest, sampleSize());
        return new ImageData(name, channels, height, width, numClasses, tr, te, augmentByDefault);
    }

    /** Per-channel mean of the training pixels, scaled to [0, 1]. */
    public float[] channelMean() {
        return channelMoments()[0];
    }

    /** Per-channel standard deviation of the training pixels, scaled to [0, 1]. */
    public float[] channelStd() {
        return channelMoments()[1];
    }

    private float[][] channelMoments() {
        int plane = height * width;
        double[] sum = new double[channels];
        double[] sq = new double[channels];
        byte[] px = train.pixels();
        for (int i = 0; i < px.length; i++) {
            int c = (i / plane) % channels;
            double v = (px[i] & 0xFF) / 255.0;
            sum[c] += v;
            sq[c] += v * v;
        }
        long count = (long) train.size() * plane;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / count;
            mean[c] = (float) m;
            std[c] = (float) Math.max(1e-6, Math.sqrt(Math.max(0, sq[c] / count - m * m)));
        }
        return new float[][] {mean, std};
    }
}
