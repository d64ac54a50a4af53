package prunebench.util;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A result file could not be written (full disk, no permission, ...). The file is untouched: the temporary copy
 * was removed. Its message is one line naming the file and the reason.
 */
public final class WriteFailedException extends IOException {
    private final transient Path file;

    public WriteFailedException(Path file, IOException cause) {
        super("cannot write " + file + ": " + reason(cause), cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Whether the reason is a full disk or quota (ENOSPC, EDQUOT). */
    public boolean diskFull() {
        String r = reason(getCause() instanceof IOException io ? io : null);
        return r.contains("No space left on device") || r.contains("Disk quota exceeded");
    }

    private static String reason(IOException outer) {
        if (outer == null) {
            return "unknown error";
        }
        // Libraries wrap the system's error (ImageIO: "I/O error writing PNG file!"): the innermost one says why.
        IOException e = outer;
        for (Throwable t = outer.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                e = io;
            }
        }
        String m = e.getMessage();
        // NIO puts the path first ("/x/y: No space left on device"); keep only the reason.
        String reason = m == null ? e.getClass().getSimpleName() : m.substring(m.lastIndexOf(": ") + 1).strip();
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied" : reason;
    }
}
