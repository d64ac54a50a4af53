package prunebench.cli;

import java.nio.file.Path;
import prunebench.util.WriteFailedException;

/** Which failures are a results file that could not be written: exit 3, and the runs recorded are kept. */
final class WriteFailures {
    private WriteFailures() {}

    /**
     * The failed write behind {@code e}, if a file that could not be written is what stopped the command: one that
     * went through AtomicFiles, or any other file operation (a folder, a lock file) the disk was too full for.
     */
    static WriteFailedException of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WriteFailedException w) {
                return w;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.file.FileSystemException f && f.getFile() != null
                    && String.valueOf(f.getReason()).contains("No space left on device")) {
                return new WriteFailedException(Path.of(f.getFile()), f);
            }
        }
        return null;
    }
}
