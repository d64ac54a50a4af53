package prunebench.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import prunebench.data.DataFingerprint;
import prunebench.util.AtomicFiles;
import prunebench.util.Json;

/**
 * {@code manifest.json}: what produced a run (code version, libraries, device, threads, JVM, times, the run's full
 * identity hash and the fingerprint of the data it read). Written before {@code metrics.json}, so a finished run
 * always has one.
 */
final class Manifest {
    static final String FILE = "manifest.json";

    private Manifest() {}

    static void write(Path file, Device device, Instant started, Instant finished, String identity,
            DataFingerprint data) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prunebench_version", Version.describe());
        m.put("djl_version", Engine.getDjlVersion());
        m.put("engine", Engine.getInstance().getEngineName());
        m.put("pytorch_version", Engine.getInstance().getVersion());
        m.put("device", device.toString());
        m.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("host_cores", Runtime.getRuntime().availableProcessors());
        m.put("started", started == null ? null : started.toString());
        m.put("finished", finished == null ? null : finished.toString());
        m.put("run_identity", identity);
        m.put("dataset", data);
        if (started == null) {
            m.put("note", "written after the fact: the run's metrics.json was recorded by a process that stopped "
                    + "before writing this file, so the times and versions above are those of the process that "
                    + "completed the folder");
        }
        AtomicFiles.writeString(file, Json.pretty().toJson(m));
    }

    /** The data fingerprint a manifest records, if it records one (manifests of earlier versions do not). */
    static Optional<String> dataSha256(Path file) {
        try {
            JsonElement dataset = JsonParser.parseString(Files.readString(file)).getAsJsonObject().get("dataset");
            return dataset != null && dataset.isJsonObject() && dataset.getAsJsonObject().has("sha256")
                    ? Optional.of(dataset.getAsJsonObject().get("sha256").getAsString()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
