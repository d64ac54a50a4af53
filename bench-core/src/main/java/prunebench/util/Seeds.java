package prunebench.util;

import java.nio.charset.StandardCharsets;

/**
 * Independent random streams from one seed: each consumer (weights, data order, augmentation, random pruning)
 * derives its own, so adding a random draw in one place never shifts another.
 */
public final class Seeds {
    private Seeds() {}

    public static long derive(long seed, String stream) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ b);
        }
        return mix(h);
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
