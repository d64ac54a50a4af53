package prunebench.datasets.imagefolder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import prunebench.data.DatasetException;

/**
 * The image files of a {@code train/<class>/*}, {@code test/<class>/*} folder in load order, and a key that
 * changes whenever the listing does.
 *
 * <p>Within a class, files are sorted by name; the classes are then interleaved (the first file of each class,
 * then the second of each, ...) so that the first N examples, which is what a capped smoke run uses, cover all
 * classes instead of only the first one. The key holds the folder's real path, file count, total size, newest
 * modification time (of files and folders, so a file moved between classes counts) and a digest of the names.
 */
record FolderScan(List<String> classes, Split train, Split test, String key) {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg");

    /** Files and their class indices, in load order. */
    record Split(List<Path> files, int[] labels) {}

    int fileCount() {
        return train.files().size() + test.files().size();
    }

    static FolderScan of(Path dir) throws IOException {
        Path trainDir = requireDirectory(dir.resolve("train"));
        Path testDir = requireDirectory(dir.resolve("test"));
        List<String> classes = subfolders(trainDir);
        if (classes.isEmpty()) {
            throw new DatasetException(trainDir + " has no class folders");
        }
        List<String> testClasses = subfolders(testDir);
        if (!classes.equals(testClasses)) {
            throw new DatasetException(classMismatch(trainDir, classes, testDir, testClasses));
        }
        Listing listing = new Listing(dir);
        Split train = split(trainDir, classes, listing);
        Split test = split(testDir, classes, listing);
        if (train.files().isEmpty()) {
            throw new DatasetException(trainDir + " holds no .png, .jpg or .jpeg files");
        }
        return new FolderScan(classes, train, test, listing.key());
    }

    private static Path requireDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(dir + " is missing (expected one sub-folder of images per class)");
        }
        return dir;
    }

    private static List<String> subfolders(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && Files.isDirectory(p)) {
                    names.add(name);
                }
            }
        }
        names.sort(null);
        return names;
    }

    private static String classMismatch(Path trainDir, List<String> train, Path testDir, List<String> test) {
        Set<String> onlyTrain = new TreeSet<>(train);
        onlyTrain.removeAll(test);
        Set<String> onlyTest = new TreeSet<>(test);
        onlyTest.removeAll(train);
        return "the class folders of " + trainDir + " and " + testDir + " differ: only in train " + onlyTrain
                + ", only in test " + onlyTest;
    }

    private static Split split(Path splitDir, List<String> classes, Listing listing) throws IOException {
        listing.add(splitDir);
        List<List<Path>> perClass = new ArrayList<>();
        for (String c : classes) {
            Path classDir = splitDir.resolve(c);
            listing.add(classDir);
            perClass.add(images(classDir, listing));
        }
        int total = perClass.stream().mapToInt(List::size).sum();
        List<Path> files = new ArrayList<>(total);
        int[] labels = new int[total];
        for (int round = 0; files.size() < total; round++) {
            for (int c = 0; c < perClass.size(); c++) {
                if (round < perClass.get(c).size()) {
                    labels[files.size()] = c;
                    files.add(perClass.get(c).get(round));
                }
            }
        }
        return new Split(List.copyOf(files), labels);
    }

    /** The class folder's image files sorted by name, each added to the listing (one stat per file). */
    private static List<Path> images(Path classDir, Listing listing) throws IOException {
        Map<Path, BasicFileAttributes> files = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(classDir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                int dot = name.lastIndexOf('.');
                if (!name.startsWith(".") && dot > 0
                        && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        files.put(p, a);
                    }
                }
            }
        }
        files.forEach(listing::add);
        return new ArrayList<>(files.keySet());
    }

    /** Accumulates the facts the cache key is made of. */
    private static final class Listing {
        private final Path root;
        private final MessageDigest digest;
        private int files;
        private long bytes;
        private long newest;

        Listing(Path root) {
            this.root = root;
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }

        void add(Path p) throws IOException {
            add(p, Files.readAttributes(p, BasicFileAttributes.class));
        }

        void add(Path p, BasicFileAttributes a) {
            newest = Math.max(newest, a.lastModifiedTime().toMillis());
            if (a.isRegularFile()) {
                files++;
                bytes += a.size();
            }
            digest.update((root.relativize(p) + "\n").getBytes(StandardCharsets.UTF_8));
        }

        String key() throws IOException {
            return root.toRealPath() + "|files=" + files + "|bytes=" + bytes + "|newest=" + newest + "|names="
                    + HexFormat.of().formatHex(digest.digest());
        }
    }
}
