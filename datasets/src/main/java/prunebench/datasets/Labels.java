package prunebench.datasets;

import java.nio.file.Path;
import prunebench.data.DatasetException;

/** Label bytes embedded in a raw file, checked against the class count so a bad byte names its file and position. */
public final class Labels {
    private Labels() {}

    /**
     * Reads {@code count} unsigned label bytes from {@code raw}, the first at {@code offset} and each next one
     * {@code stride} bytes further, rejecting any outside 0..numClasses-1.
     */
    public static int[] decode(byte[] raw, int offset, int stride, int count, int numClasses, Path file) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int label = raw[offset + i * stride] & 0xFF;
            if (label >= numClasses) {
                throw new DatasetException(file + ": label " + label + " of example " + i + " is outside 0.."
                        + (numClasses - 1));
            }
            labels[i] = label;
        }
        return labels;
    }
}
