package prunebench.datasets.imagefolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import prunebench.data.DatasetException;
import prunebench.data.DatasetProvider;
import prunebench.data.ImageData;

/**
 * Image files in {@code train/<class>/} and {@code test/<class>/} folders, e.g. CIFAR-10 as JPEGs. Classes are
 * the sorted sub-folders of train/. Decoding is parallel and its result is cached (see {@link DecodedCache}).
 */
public final class ImageFolderProvider implements DatasetProvider {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderProvider.class);
    private static final String GENERIC = "imagefolder";
    private static final String CIFAR10_JPG = "cifar10-jpg";

    private final Path userCache;

    public ImageFolderProvider() {
        this(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** {@code $PRUNEBENCH_CACHE} if set, else {@code ~/.cache/prunebench}, for folders that are not writable. */
    ImageFolderProvider(Map<String, String> environment, Path home) {
        String env = environment.get("PRUNEBENCH_CACHE");
        this.userCache = env != null && !env.isBlank() ? Path.of(env) : home.resolve(".cache").resolve("prunebench");
    }

    @Override
    public List<String> names() {
        return List.of(GENERIC, CIFAR10_JPG);
    }

    @Override
    public String expectedLayout(String name) {
        return "train/<class>/*.{png,jpg,jpeg} and test/<class>/* with the same class folders; all images of one "
                + "size and channel count";
    }

    @Override
    public boolean isPresent(String name, Path dir) {
        return Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"));
    }

    @Override
    public ImageData load(String name, Path dir) throws IOException {
        if (!names().contains(name)) {
            throw new DatasetException("the image-folder reader does not serve dataset '" + name + "'");
        }
        // Crop-and-flip augmentation suits CIFAR; an arbitrary folder gets none unless the experiment asks.
        boolean augment = name.equals(CIFAR10_JPG);
        FolderScan scan = FolderScan.of(dir);
        DecodedCache cache = cache(dir);
        Optional<ImageData> cached = cache.read(scan.key(), name, augment);
        if (cached.isPresent()) {
            return cached.get();
        }
        long start = System.nanoTime();
        ImageData data = decode(name, scan, augment);
        LOG.info("decoded {} images of {} in {} s", scan.fileCount(), dir, (System.nanoTime() - start) / 1e9);
        cache.write(scan.key(), data);
        return data;
    }

    DecodedCache cache(Path dir) {
        return new DecodedCache(dir, userCache);
    }

    private static ImageData decode(String name, FolderScan scan, boolean augment) {
        // The first training image fixes the shape every other must have.
        Path reference = scan.train().files().get(0);
        ImageDecoder.Shape shape = ImageDecoder.shape(ImageDecoder.read(reference));
        ImageData.Split train = decode(scan.train(), shape, reference);
        ImageData.Split test = decode(scan.test(), shape, reference);
        return new ImageData(name, shape.channels(), shape.height(), shape.width(), scan.classes().size(), train, test,
                augment);
    }

    private static ImageData.Split decode(FolderScan.Split split, ImageDecoder.Shape shape, Path reference) {
        long bytes = (long) split.files().size() * shape.size();
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new DatasetException(reference.getParent().getParent() + ": " + split.files().size() + " images of "
                    + shape + " do not fit one array");
        }
        byte[] pixels = new byte[(int) bytes];
        ImageDecoder.decodeAll(split.files(), shape, reference, pixels);
        return new ImageData.Split(pixels, split.labels());
    }
}
