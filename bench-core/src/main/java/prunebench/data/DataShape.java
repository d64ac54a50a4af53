package prunebench.data;

/**
 * What a dataset is without its pixels: image shape (C, H, W), classes and split sizes, as published. Lets the loader
 * check a model against the data, and {@code --dry-run} cost a grid, before (or without) reading any file.
 */
public record DataShape(int channels, int height, int width, int classes, int trainSize, int testSize) {

    public static DataShape of(ImageData data) {
        return new DataShape(data.channels(), data.height(), data.width(), data.numClasses(), data.train().size(),
                data.test().size());
    }

    /** The split sizes after {@code dataset.max_train}, {@code max_test} and {@code validation}. */
    public DataShape capped(Integer maxTrain, Integer maxTest, Integer validation) {
        int train = maxTrain == null ? trainSize : Math.min(trainSize, maxTrain);
        int test = maxTest == null ? testSize : Math.min(testSize, maxTest);
        return new DataShape(channels, height, width, classes, validation == null ? train
                : Math.max(0, train - validation), test);
    }

    /** e.g. {@code 1x28x28}. */
    public String image() {
        return channels + "x" + height + "x" + width;
    }
}
