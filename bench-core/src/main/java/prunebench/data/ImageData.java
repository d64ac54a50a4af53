package prunebench.data;

import java.util.Arrays;

/**
 * A whole image-classification dataset decoded once into memory as unsigned bytes (N x C x H x W, row-major),
 * so that batches are assembled by copying, never by decoding. Normalisation statistics are computed from the
 * training split. {@code validation} is null unless training examples were held out ({@link #holdOut}).
 */
public record ImageData(
        String name, int channels, int height, int width, int numClasses, Split train, Split test,
        boolean augmentByDefault, Split validation) {

    public ImageData {
        int sampleSize = channels * height * width;
        for (Split split : validation == null ? new Split[] {train, test} : new Split[] {train, test, validation}) {
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

    /** Without a validation split. */
    public ImageData(String name, int channels, int height, int width, int numClasses, Split train, Split test,
            boolean augmentByDefault) {
        this(name, channels, height, width, numClasses, train, test, augmentByDefault, null);
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
        return new ImageData(name, channels, height, width, numClasses, tr, te, augmentByDefault, validation);
    }

    /**
     * Moves {@code n} training examples into the validation split: stratified (each class gives its share of n,
     * largest remainders first, ties to the lower class) and drawn at random from {@code seed}; the rest stay in
     * training in their order. The same n and seed always hold out the same examples.
     */
    public ImageData holdOut(int n, long seed) {
        int size = train.size();
        if (n < 1 || n >= size) {
            throw new IllegalArgumentException("dataset.validation: must be between 1 and " + (size - 1)
                    + " (the training split has " + size + " examples), got " + n);
        }
        java.util.List<java.util.List<Integer>> byClass = new java.util.ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new java.util.ArrayList<>());
        }
        for (int i = 0; i < size; i++) {
            byClass.get(train.labels()[i]).add(i);
        }
        int[] quota = new int[numClasses];
        double[] remainder = new double[numClasses];
        int given = 0;
        for (int c = 0; c < numClasses; c++) {
            double exact = (double) n * byClass.get(c).size() / size;
            quota[c] = (int) Math.floor(exact);
            remainder[c] = exact - quota[c];
            given += quota[c];
        }
        Integer[] order = new Integer[numClasses];
        for (int c = 0; c < numClasses; c++) {
            order[c] = c;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(remainder[b], remainder[a]));
        for (int k = 0; given < n; k++) {
            int c = order[k % numClasses];
            if (quota[c] < byClass.get(c).size()) {
                quota[c]++;
                given++;
            }
        }
        java.util.Random random = new java.util.Random(seed);
        boolean[] held = new boolean[size];
        for (int c = 0; c < numClasses; c++) {
            java.util.List<Integer> members = new java.util.ArrayList<>(byClass.get(c));
            java.util.Collections.shuffle(members, random);
            for (int k = 0; k < quota[c]; k++) {
                held[members.get(k)] = true;
            }
        }
        return new ImageData(name, channels, height, width, numClasses, select(held, false), test, augmentByDefault,
                select(held, true));
    }

    /** The training examples whose {@code held} flag equals {@code which}, in their order. */
    private Split select(boolean[] held, boolean which) {
        int sample = sampleSize();
        int count = 0;
        for (boolean h : held) {
            count += h == which ? 1 : 0;
        }
        byte[] px = new byte[count * sample];
        int[] labels = new int[count];
        int k = 0;
        for (int i = 0; i < held.length; i++) {
            if (held[i] == which) {
                System.arraycopy(train.pixels(), i * sample, px, k * sample, sample);
                labels[k++] = train.labels()[i];
            }
        }
        return new Split(px, labels);
    }

    /** The training split's mean image, pixel by pixel (C x H x W, channel-major), scaled to [0, 1]. */
    public double[] meanImage() {
        int sample = channels * height * width;
        long[] sum = new long[sample];
        byte[] px = train.pixels();
        for (int i = 0; i < px.length; i++) {
            sum[i % sample] += px[i] & 0xFF;
        }
        double[] mean = new double[sample];
        for (int i = 0; i < sample; i++) {
            mean[i] = sum[i] / (255.0 * Math.max(1, train.size()));
        }
        return mean;
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
