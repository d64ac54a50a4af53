package prunebench.datasets.cifar;

import java.util.List;

/**
 * One dataset in the CIFAR binary layout: files of fixed-size records, each {@code labelBytes} label bytes then
 * 32x32 pixels as R, G and B planes (already the N x C x H x W order of ImageData). {@code labelIndex} picks the
 * label byte used (CIFAR-100 stores coarse then fine).
 */
record CifarFormat(
        String canonical, List<String> aliases, String folder, List<String> trainFiles, String testFile,
        int labelBytes, int labelIndex, int numClasses, int recordsPerTrainFile, int testRecords) {

    static final int CHANNELS = 3;
    static final int SIDE = 32;
    static final int PIXELS = CHANNELS * SIDE * SIDE;

    static final CifarFormat CIFAR10 = new CifarFormat("cifar10", List.of("cifar-10"), "cifar-10-batches-bin",
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"),
            "test_batch.bin", 1, 0, 10, 10_000, 10_000);
    static final CifarFormat CIFAR100 = new CifarFormat("cifar100", List.of("cifar-100"), "cifar-100-binary",
            List.of("train.bin"), "test.bin", 2, 1, 100, 50_000, 10_000);
    static final CifarFormat CIFAR100_COARSE = new CifarFormat("cifar100-coarse", List.of("cifar-100-coarse"),
            "cifar-100-binary", List.of("train.bin"), "test.bin", 2, 0, 20, 50_000, 10_000);

    static final List<CifarFormat> ALL = List.of(CIFAR10, CIFAR100, CIFAR100_COARSE);

    int recordSize() {
        return labelBytes + PIXELS;
    }

    boolean answers(String name) {
        return canonical.equals(name) || aliases.contains(name);
    }

    /** The size of the official file, for messages about a truncated one. */
    long officialSize(String file) {
        return (long) (file.equals(testFile) ? testRecords : recordsPerTrainFile) * recordSize();
    }
}
