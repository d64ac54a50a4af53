package prunebench.data;

import java.util.List;

/**
 * Where a dataset is published: files under one base URL, each with its published MD5, and whether they are
 * archives to unpack ({@code .tar.gz}) or the dataset's files as they are (MNIST's {@code .gz} IDX files, which the
 * reader reads gzipped).
 *
 * @param source where the checksums come from, named in a comment and in the messages
 */
public record DataSource(String baseUrl, List<RemoteFile> files, boolean unpack, String source) {

    /** A published file and its MD5 (lower-case hex). */
    public record RemoteFile(String name, String md5) {}
}
