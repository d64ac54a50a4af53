package prunebench.prune;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-tensor kept counts under a {@link Distribution} (GLOBAL has none: it ranks all tensors together). Counts are
 * rounded by the largest-remainder method so that they add up to the budget exactly.
 */
public final class Allocation {
    private Allocation() {}

    /**
     * @param sizes         entries of each prunable tensor
     * @param shapes        each tensor's shape, for ERK
     * @param keep          total entries to keep
     * @param denseFirst    keep the first tensor dense (ERK and UNIFORM)
     */
    public static long[] perTensor(Distribution distribution, long[] sizes, List<long[]> shapes, long keep,
            boolean denseFirst) {
        double[] density = switch (distribution) {
            case UNIFORM -> uniform(sizes, keep, denseFirst);
            case ERK -> erk(sizes, shapes, keep, denseFirst);
            case GLOBAL -> throw new IllegalArgumentException("global ranking has no per-tensor allocation");
            case LAYER_DENSITIES -> throw new IllegalArgumentException("layer_densities needs each tensor's density: "
                    + "call shaped");
        };
        return round(sizes, density, keep);
    }

    /**
     * Per-tensor kept counts for given relative densities ({@code layer_densities}): density_i = min(1, eps *
     * shape_i), eps solved so that the counts add up to {@code keep}, tensors that reach density 1 made dense and eps
     * solved again for the rest; with densities that already keep {@code keep} in all, eps is 1 and they come back.
     */
    public static long[] shaped(long[] sizes, double[] shape, long keep, boolean denseFirst) {
        if (shape.length != sizes.length) {
            throw new IllegalArgumentException(shape.length + " densities for " + sizes.length + " tensors");
        }
        return round(sizes, solve(sizes, shape, keep, denseFirst), keep);
    }

    static double[] uniform(long[] sizes, long keep, boolean denseFirst) {
        double[] raw = new double[sizes.length];
        java.util.Arrays.fill(raw, 1.0);
        return solve(sizes, raw, keep, denseFirst);
    }

    /** ERK: density_i = eps * (sum of dims)/(product of dims), layers over density 1 made dense, eps re-solved. */
    static double[] erk(long[] sizes, List<long[]> shapes, long keep, boolean denseFirst) {
        double[] raw = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            long sum = 0;
            long prod = 1;
            for (long d : shapes.get(i)) {
                sum += d;
                prod *= d;
            }
            raw[i] = (double) sum / prod;
        }
        return solve(sizes, raw, keep, denseFirst);
    }

    /**
     * Densities min(1, eps * raw_i) with eps chosen so that sum density_i * size_i = keep: tensors that would exceed
     * density 1 are made dense and eps is solved again for the rest, until none exceeds.
     */
    static double[] solve(long[] sizes, double[] raw, long keep, boolean denseFirst) {
        int n = sizes.length;
        boolean[] dense = new boolean[n];
        if (denseFirst && n > 0) {
            dense[0] = true;
        }
        double[] density = new double[n];
        while (true) {
            double denseCount = 0;
            double weighted = 0;
            for (int i = 0; i < n; i++) {
                if (dense[i]) {
                    denseCount += sizes[i];
                } else {
                    weighted += raw[i] * sizes[i];
                }
            }
            double eps = weighted == 0 ? 0 : (keep - denseCount) / weighted;
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                if (!dense[i] && eps * raw[i] > 1) {
                    dense[i] = true;
                    changed = true;
                }
            }
            if (!changed) {
                for (int i = 0; i < n; i++) {
                    density[i] = dense[i] ? 1 : Math.max(0, eps * raw[i]);
                }
                return density;
            }
        }
    }

    /** Largest-remainder rounding of density * size to integers summing to {@code keep} (capped by size). */
    static long[] round(long[] sizes, double[] density, long keep) {
        int n = sizes.length;
        long[] out = new long[n];
        double[] rest = new double[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            double exact = Math.min(sizes[i], density[i] * sizes[i]);
            out[i] = (long) Math.floor(exact);
            rest[i] = exact - out[i];
            total += out[i];
        }
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        idx.sort((a, b) -> rest[a] != rest[b] ? Double.compare(rest[b], rest[a]) : Integer.compare(a, b));
        for (int k = 0; total < keep && k < n * 2; k++) {
            int i = idx.get(k % n);
            if (out[i] < sizes[i]) {
                out[i]++;
                total++;
            }
        }
        return out;
    }
}
