package prunebench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this process has used: CPU time over all its threads and peak resident memory. */
final class ProcessUsage {
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    private static com.sun.jna.Function clockGettime;

    private ProcessUsage() {
    }

    /**
     * CPU time of the whole process (every thread: libtorch's, the JIT's, the collector's), in nanoseconds, from
     * {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)} (the JDK's own process CPU time counts 10 ms ticks).
     */
    static long cpuNanos() {
        try {
            if (clockGettime == null) {
                clockGettime = com.sun.jna.NativeLibrary.getInstance("c").getFunction("clock_gettime");
            }
            try (com.sun.jna.Memory ts = new com.sun.jna.Memory(16)) {
                if (clockGettime.invokeInt(new Object[] {CLOCK_PROCESS_CPUTIME_ID, ts}) == 0) {
                    return ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
                }
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // not Linux: fall through
        }
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** VmHWM of this process (peak resident set), in MiB; NaN where /proc is not there. */
    static double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return Double.NaN;
    }
}
