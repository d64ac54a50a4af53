package prunebench.util;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * For tests of a full disk without filling one: with {@code -Dprunebench.inject.enospc=NAME}, every atomic write of
 * a file whose name contains NAME fails after its first bytes with "No space left on device", as the kernel's
 * ENOSPC would. Off (a plain pass-through) unless the property is set.
 */
final class FaultInjection {
    static final String PROPERTY = "prunebench.inject.enospc";

    private FaultInjection() {}

    static OutputStream wrap(Path target, OutputStream out) {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isEmpty() || !target.getFileName().toString().contains(name)) {
            return out;
        }
        return new FilterOutputStream(out) {
            private long written;

            @Override
            public void write(int b) throws IOException {
                check(1);
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                int first = (int) Math.max(0, Math.min(len, 16 - written));
                out.write(b, off, first);
                written += first;
                check(len - first);
            }

            private void check(int more) throws IOException {
                if (written >= 16 && more > 0) {
                    throw new IOException(target + ": No space left on device");
                }
                written += more;
            }
        };
    }
}
