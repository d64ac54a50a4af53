package prunebench.run;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The code version for manifests: {@code git describe --always --dirty} of the checkout the classes were built in
 * (found by walking up from the class files), or "unknown" outside a checkout; the system property
 * {@code prunebench.version} overrides it.
 */
public final class Version {
    private Version() {}

    public static String describe() {
        // Set when the classes run from a copy outside the checkout (Slurm jobs): the version they were copied at.
        String given = System.getProperty("prunebench.version");
        if (given != null && !given.isBlank()) {
            return given;
        }
        Path root = checkout();
        if (root == null) {
            return "unknown";
        }
        try {
            Process p = new ProcessBuilder("git", "-C", root.toString(), "describe", "--always", "--dirty",
                    "--abbrev=12").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !text.isEmpty()) {
                return text;
            }
        } catch (IOException e) {
            // no git binary: fall through to reading HEAD
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            String head = Files.readString(root.resolve(".git/HEAD")).trim();
            if (head.startsWith("ref: ")) {
                Path ref = root.resolve(".git").resolve(head.substring(5));
                return Files.isRegularFile(ref) ? Files.readString(ref).trim() : head.substring(5);
            }
            return head;
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Path checkout() {
        try {
            Path p = Path.of(Version.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (; p != null; p = p.getParent()) {
                if (Files.exists(p.resolve(".git"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
        return null;
    }
}
