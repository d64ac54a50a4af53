package prunebench.slurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a folder can be seen by every node of a cluster. Slurm tasks share a grid only through its results folder
 * (run records, lock files, the pretrained models): a folder under /tmp or on tmpfs/overlay is a different, empty
 * folder on each node. The file system type comes from the mount table ({@code stat -f -c %T}, {@code df -T}).
 */
final class SharedFilesystem {
    /** Types that are node-local by nature. */
    static final Set<String> LOCAL_ONLY = Set.of("tmpfs", "ramfs", "devtmpfs", "overlay", "overlayfs", "aufs",
            "squashfs", "zram");
    /** Network and cluster file systems. */
    static final Set<String> SHARED = Set.of("nfs", "nfs4", "lustre", "gpfs", "beegfs", "fhgfs", "cephfs", "ceph",
            "glusterfs", "fuse.glusterfs", "panfs", "wekafs", "cifs", "smb3", "smbfs", "afs", "orangefs", "pvfs2",
            "fuse.sshfs", "9p", "virtiofs", "fuse.juicefs", "fuse.cvmfs", "quobyte", "fuse.quobyte");
    /** Folders that are per node on nearly every cluster, whatever they are mounted as. */
    static final Set<String> LOCAL_PATHS = Set.of("/tmp", "/var/tmp", "/dev/shm", "/run");

    /** What was found. {@code problem} non-null: not shared; {@code warning} non-null: maybe not shared. */
    record Verdict(String type, String problem, String warning) {}

    private SharedFilesystem() {}

    static Verdict check(Path dir) throws IOException {
        Path real = dir.toAbsolutePath();
        for (Path p = real; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                real = p.toRealPath().resolve(p.relativize(real));
                break;
            }
        }
        String type;
        try {
            Path existing = real;
            while (!Files.exists(existing)) {
                existing = existing.getParent();
            }
            type = Files.getFileStore(existing).type().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            type = "unknown";
        }
        return verdict(real, type);
    }

    static Verdict verdict(Path real, String type) {
        for (String local : LOCAL_PATHS) {
            if (real.startsWith(local)) {
                return new Verdict(type, real + " is under " + local + ", which is node-local on clusters", null);
            }
        }
        if (LOCAL_ONLY.contains(type)) {
            return new Verdict(type, real + " is on a " + type + " file system, which only this machine sees", null);
        }
        if (SHARED.contains(type) || type.startsWith("nfs") || type.startsWith("fuse.")) {
            return new Verdict(type, null, null);
        }
        return new Verdict(type, null, real + " is on a local disk (" + type + "): fine for a one-node cluster or "
                + "when this folder is exported to every node, else the tasks will not see each other's runs");
    }
}
