package prunebench.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.util.AtomicFiles;

/** {@code manifest.json}: what produced a run (code version, libraries, device, threads, JVM, times). */
final class Manifest {
    private Manifest() {}

    static void write(Path file, Device device, Instant started, Instant finished) throws IOException {
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
        m.put("started", started.toString());
        m.put("finished", finished.toString());
        AtomicFiles.writeString(file, new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(m));
    }
}
