package prunebench.util;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps glibc's malloc from handing libtorch's freed tensors back to the kernel after every training step.
 *
 * <p>A step allocates and frees the same few hundred MB of activations and gradients. DJL's ops run on a JVM
 * thread, so they allocate from one of glibc's secondary arenas, made of 64 MiB heaps; a step's arrays are freed
 * together when its sub-manager closes, the arena's upper heaps become empty and glibc unmaps them (in glibc 2.36,
 * {@code heap_trim} deletes an empty heap whenever more than {@code M_TOP_PAD} would be left free, whatever the trim
 * threshold), besides returning large blocks (above the dynamic mmap threshold) and the free top of a heap (above
 * the trim threshold). The next step page-faults every page back in, zero-filled by the kernel: about 900 faults per
 * LeNet-5 step at batch 128, against 15 for the same step in PyTorch from Python, whose main-thread arena grows with
 * sbrk and is only trimmed above its dynamic threshold. It was half of the step's time.
 *
 * <p>{@link #retainFreedMemory()} sets, through {@code mallopt}, {@code M_MMAP_THRESHOLD} to 32 MiB (glibc's maximum
 * for the dynamic one: larger blocks are still mapped per allocation), {@code M_TRIM_THRESHOLD} to 1 GiB and
 * {@code M_TOP_PAD} to 64 MiB (one whole heap, so that empty heaps are kept). Freed memory then stays mapped and is
 * reused: the resident size stays at the step's peak instead of oscillating up to it (measured peak RSS went down,
 * since the heaps are no longer abandoned half-used). It changes no numbers. If {@code MALLOC_MMAP_THRESHOLD_},
 * {@code MALLOC_TRIM_THRESHOLD_} or {@code MALLOC_TOP_PAD_} is set in the environment, nothing is changed; elsewhere
 * than glibc (macOS, musl) it does nothing.
 */
public final class NativeMemory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_THRESHOLD = -3;
    static final int MMAP_THRESHOLD = 32 << 20;
    static final int TRIM_THRESHOLD = 1 << 30;
    static final int TOP_PAD = 64 << 20;
    private static volatile Boolean applied;

    private NativeMemory() {}

    /** Applies the settings once per process; returns whether glibc accepted them. */
    public static synchronized boolean retainFreedMemory() {
        if (applied != null) {
            return applied;
        }
        boolean ok = false;
        if (System.getenv("MALLOC_MMAP_THRESHOLD_") == null && System.getenv("MALLOC_TRIM_THRESHOLD_") == null
                && System.getenv("MALLOC_TOP_PAD_") == null
                && System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            try {
                Function mallopt = NativeLibrary.getInstance("c").getFunction("mallopt");
                ok = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD}) == 1
                        & mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, TRIM_THRESHOLD}) == 1
                        & mallopt.invokeInt(new Object[] {M_TOP_PAD, TOP_PAD}) == 1;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                LOG.debug("mallopt not available: {}", e.toString());
            }
        }
        applied = ok;
        return ok;
    }
}
