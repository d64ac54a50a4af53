package prunebench.train;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Accumulates the wall-clock and calling-thread CPU time of the {@link TrainingStep#PHASES} (for
 * {@code scripts/bench}). With one intra-op thread libtorch computes on the calling thread, so its CPU time is the
 * phase's work even on a loaded machine; with more threads only wall time covers the work.
 */
public final class PhaseClock {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    public final long[] wallNanos = new long[TrainingStep.PHASES.length];
    public final long[] cpuNanos = new long[TrainingStep.PHASES.length];
    private long wall;
    private long cpu;

    void start() {
        wall = System.nanoTime();
        cpu = threads.getCurrentThreadCpuTime();
    }

    /** Adds the time since the last start or lap to {@code phase}. */
    void lap(int phase) {
        long w = System.nanoTime();
        long c = threads.getCurrentThreadCpuTime();
        wallNanos[phase] += w - wall;
        cpuNanos[phase] += c - cpu;
        wall = w;
        cpu = c;
    }
}
