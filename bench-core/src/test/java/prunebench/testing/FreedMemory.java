package prunebench.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * For tests of gradient graphs: {@link #scribble} lets the garbage collector free every unreachable direct buffer
 * (DJL's tensors over Java memory) and fills memory as it is handed out again with 1e30, so that a backward pass that
 * reads a freed constant reads 1e30 rather than, by luck, the old value. Call it between the forward pass and
 * {@code backward}. See {@code prunebench.train.GraphScalars}.
 */
public final class FreedMemory {
    private static volatile List<ByteBuffer> junk;

    private FreedMemory() {}

    private static void fill(List<ByteBuffer> into) {
        for (int i = 0; i < 4096; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 + 4 * (i % 8)).order(ByteOrder.nativeOrder());
            while (b.remaining() >= 4) {
                b.putFloat(1e30f);
            }
            into.add(b);
        }
    }

    /** Frees what the collector can and writes 1e30 over the freed memory as it is handed out again. */
    public static void scribble() {
        List<ByteBuffer> keep = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            fill(keep);
        }
        junk = keep;
    }

    /** Lets the scribbled memory go. */
    public static void release() {
        junk = null;
    }
}
