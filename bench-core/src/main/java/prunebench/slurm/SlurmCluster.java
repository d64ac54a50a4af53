package prunebench.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import prunebench.config.ConfigException;

/** What a submission asks of the cluster's commands: sbatch, scancel, and the MaxArraySize that scontrol shows. */
final class SlurmCluster {
    /** Slurm's default MaxArraySize: array indices stay below it. */
    static final int DEFAULT_MAX_ARRAY = 1001;

    private SlurmCluster() {}

    /** A submitted job: its id, and with --wait its exit code. */
    record Sbatch(String id, int exitCode) {}

    static Sbatch sbatch(Path script, String dependency, boolean await) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable"));
        if (dependency != null) {
            cmd.add("--dependency=" + dependency);
        }
        if (await) {
            cmd.add("--wait");
        }
        cmd.add(script.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        byte[] stdout;
        byte[] stderr;
        int code;
        try {
            p.getOutputStream().close();
            var errText = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getErrorStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            stdout = p.getInputStream().readAllBytes();
            code = p.waitFor();
            stderr = errText.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running sbatch", e);
        }
        String text = new String(stdout, StandardCharsets.UTF_8).trim();
        String id = text.isEmpty() ? "" : text.lines().findFirst().orElse("").split(";")[0].trim();
        if (!id.matches("\\d+")) {
            throw new ConfigException("sbatch " + script + " failed (exit " + code + "): "
                    + new String(stderr, StandardCharsets.UTF_8).trim() + (text.isEmpty() ? "" : " " + text));
        }
        if (!await && code != 0) {
            throw new ConfigException("sbatch " + script + " failed (exit " + code + "): "
                    + new String(stderr, StandardCharsets.UTF_8).trim());
        }
        return new Sbatch(id, code);
    }

    /** Cancels the given jobs, waiting up to 30 s for scancel. */
    static void scancel(List<String> jobs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("scancel"));
        cmd.addAll(jobs);
        try {
            new ProcessBuilder(cmd).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** The cluster's MaxArraySize ({@code scontrol show config}), or Slurm's default when it cannot be read. */
    static int maxArraySize() {
        try {
            Process p = new ProcessBuilder("scontrol", "show", "config").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            for (String line : text.split("\n")) {
                String[] kv = line.split("=", 2);
                if (kv.length == 2 && kv[0].trim().equals("MaxArraySize")) {
                    return Integer.parseInt(kv[1].trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no scontrol, or an unexpected format: assume the default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DEFAULT_MAX_ARRAY;
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
