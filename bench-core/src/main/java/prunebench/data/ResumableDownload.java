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
import java.time.Duration;
import java.util.Locale;

/**
 * One published file into {@code <root>/.downloads}: received into {@code <file>.part}, resumed with an HTTP Range
 * request after an interruption (in this process or the next), and renamed to {@code <file>} only once its MD5 is the
 * published one, so a file without {@code .part} is always whole and verified. Kept apart from {@link Downloader},
 * which chooses the URLs and installs what this class returns.
 */
final class ResumableDownload {
    private static final int ATTEMPTS = 3;

    private final PrintStream log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    ResumableDownload(PrintStream log) {
        this.log = log;
    }

    /**
     * Downloads (or resumes) {@code f} from {@code base} and checks its MD5; returns the verified file. The messages
     * of a failure say how to finish by hand: where the bytes received are kept, or where to put the dataset
     * ({@code target}).
     */
    Path fetch(DataSource source, String base, DataSource.RemoteFile f, Path downloads, Path target)
            throws IOException {
        Path done = downloads.resolve(f.name());
        if (Files.isRegularFile(done) && Md5.of(done).equals(f.md5())) {
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
        String actual = Md5.of(part);
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

    private static long size(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.size(file) : 0;
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
