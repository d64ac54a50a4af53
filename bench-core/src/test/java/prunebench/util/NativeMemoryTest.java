package prunebench.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeMemoryTest {
    @Test
    void glibcAcceptsTheSettingsOnceAndForAll() {
        boolean linux = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux");
        boolean fromEnv = System.getenv("MALLOC_MMAP_THRESHOLD_") != null
                || System.getenv("MALLOC_TRIM_THRESHOLD_") != null || System.getenv("MALLOC_TOP_PAD_") != null;
        boolean first = NativeMemory.retainFreedMemory();
        if (linux && !fromEnv) {
            assertTrue(first, "mallopt refused the settings");
        }
        assertEquals(first, NativeMemory.retainFreedMemory());
    }
}
