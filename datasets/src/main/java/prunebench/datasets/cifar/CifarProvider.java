package prunebench.datasets.cifar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import prunebench.data.DatasetException;
import prunebench.data.DataShape;
import prunebench.data.DataSource;
import prunebench.data.DatasetProvider;
import prunebench.data.ImageData;
import prunebench.datasets.Labels;

/** CIFAR-10 and CIFAR-100 (fine or coarse labels) from the official binary versions. */
public final class CifarProvider implements DatasetProvider {

    @Override
    public List<String> names() {
        return CifarFormat.ALL.stream()
                .flatMap(f -> Stream.concat(Stream.of(f.canonical()), f.aliases().stream()))
                .toList();
    }

    @Override
    public String expectedLayout(String name) {
        CifarFormat f = format(name);
        List<String> files = new ArrayList<>(f.trainFiles());
        files.add(f.testFile());
        return f.folder() + "/{" + String.join(",", files) + "} (the binary version), in the folder or as the folder";
    }

    @Override
    public boolean isPresent(String name, Path dir) {
        CifarFormat f = format(name);
        Path base = base(f, dir);
        return Stream.concat(f.trainFiles().stream(), Stream.of(f.testFile()))
                .allMatch(file -> Files.isRegularFile(base.resolve(file)));
    }

    @Override
    public Optional<DataShape> describe(String name) {
        CifarFormat f = format(name);
        return Optional.of(new DataShape(CifarFormat.CHANNELS, CifarFormat.SIDE, CifarFormat.SIDE, f.numClasses(),
                f.recordsPerTrainFile() * f.trainFiles().size(), f.testRecords()));
    }

    /**
     * The binary versions' MD5s as the dataset's page publishes them (https://www.cs.toronto.edu/~kriz/cifar.html,
     * "binary version"; torchvision's cifar.py lists only the Python versions').
     */
    @Override
    public Optional<DataSource> source(String name) {
        CifarFormat f = format(name);
        String md5 = f == CifarFormat.CIFAR10 ? "c32a1d4ab5d03f1284b67883e8d87530" : "03b5dce01913d631647c71ecec9e9cb8";
        return Optional.of(new DataSource("https://www.cs.toronto.edu/~kriz/", List.of(
                new DataSource.RemoteFile(archive(f), md5)), true, "https://www.cs.toronto.edu/~kriz/cifar.html"));
    }

    private static String archive(CifarFormat f) {
        return f == CifarFormat.CIFAR10 ? "cifar-10-binary.tar.gz" : "cifar-100-binary.tar.gz";
    }

    @Override
    public String installHint(String name) {
        return "./run-experiment --download " + name + ", or download " + archive(format(name))
                + " from https://www.cs.toronto.edu/~kriz/cifar.html and unpack it in the folder";
    }

    @Override
    public ImageData load(String name, Path dir) throws IOException {
        CifarFormat f = format(name);
        Path base = base(f, dir);
        ImageData.Split train = split(f, base, f.trainFiles());
        ImageData.Split test = split(f, base, List.of(f.testFile()));
        return new ImageData(f.canonical(), CifarFormat.CHANNELS, CifarFormat.SIDE, CifarFormat.SIDE, f.numClasses(),
                train, test, true);
    }

    /** The format's own folder when {@code dir} contains it, else {@code dir} itself. */
    private static Path base(CifarFormat f, Path dir) {
        Path inner = dir.resolve(f.folder());
        return Files.isDirectory(inner) ? inner : dir;
    }

    /** Checks every file's size first, so one array of the exact size holds the split. */
    private static ImageData.Split split(CifarFormat f, Path base, List<String> names) throws IOException {
        int recordSize = f.recordSize();
        List<Path> files = new ArrayList<>();
        long total = 0;
        for (String name : names) {
            Path file = base.resolve(name);
            String official = "the official file has " + f.officialSize(name) + " bytes";
            if (!Files.isRegularFile(file)) {
                throw new DatasetException(file + " is missing (" + official + ")");
            }
            long size = Files.size(file);
            if (size == 0 || size % recordSize != 0) {
                throw new DatasetException(file + ": truncated, " + size + " bytes is not a whole number of "
                        + recordSize + "-byte records (" + official + ")");
            }
            files.add(file);
            total += size / recordSize;
        }
        if (total * CifarFormat.PIXELS > Integer.MAX_VALUE - 8) {
            throw new DatasetException(base + ": " + total + " images do not fit one array");
        }
        byte[] pixels = new byte[Math.toIntExact(total * CifarFormat.PIXELS)];
        int[] labels = new int[Math.toIntExact(total)];
        int at = 0;
        for (Path file : files) {
            byte[] raw = Files.readAllBytes(file);
            int n = raw.length / recordSize;
            if (raw.length % recordSize != 0 || at + n > labels.length) {
                throw new DatasetException(file + " changed while it was read");
            }
            int[] fileLabels = Labels.decode(raw, f.labelIndex(), recordSize, n, f.numClasses(), file);
            System.arraycopy(fileLabels, 0, labels, at, n);
            for (int r = 0; r < n; r++) {
                System.arraycopy(raw, r * recordSize + f.labelBytes(), pixels, (at + r) * CifarFormat.PIXELS,
                        CifarFormat.PIXELS);
            }
            at += n;
        }
        if (at != labels.length) {
            throw new DatasetException(base + ": files changed while they were read");
        }
        return new ImageData.Split(pixels, labels);
    }

    private static CifarFormat format(String name) {
        return CifarFormat.ALL.stream()
                .filter(f -> f.answers(name))
                .findFirst()
                .orElseThrow(() -> new DatasetException("the CIFAR reader does not serve dataset '" + name + "'"));
    }
}
