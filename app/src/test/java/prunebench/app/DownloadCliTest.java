package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
        try {
            Cli.Result r = Cli.run(file.toString(), "--results", tmp.resolve("r").toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("train-images-idx3-ubyte.gz: MD5 ") && r.err().contains(
                    "is not the published f68b3c2dcbeaaa9fbdd348bbdeb94873 (torchvision/datasets/mnist.py)"), r.err());
            assertEquals(List.of("/train-images-idx3-ubyte.gz"), requested);
            assertFalse(Files.exists(root));
            assertFalse(Files.exists(tmp.resolve("r")), "nothing is run");

            Cli.Result unknown = Cli.run("--download", "nosuch");
            assertEquals(2, unknown.code(), unknown.err());
            assertTrue(unknown.err().contains("unknown dataset 'nosuch'"), unknown.err());
        } finally {
            System.clearProperty(Downloader.URL_PROPERTY);
            server.stop(0);
        }
    }
}
