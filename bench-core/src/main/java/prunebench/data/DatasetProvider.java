package prunebench.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A dataset reader, found through {@link java.util.ServiceLoader}: a new dataset is one class plus one line in
 * {@code META-INF/services/prunebench.data.DatasetProvider}.
 */
public interface DatasetProvider {
    /** Names this reader answers to in the experiment file, e.g. {@code fashion-mnist}; the first is canonical. */
    List<String> names();

    /** One line on what the folder must contain, shown when the dataset is missing or broken. */
    String expectedLayout(String name);

    /** Whether {@code dir} holds this dataset (cheap: checks that the expected files exist). */
    boolean isPresent(String name, Path dir);

    /**
     * Decodes the whole dataset. Truncated or inconsistent files raise {@link DatasetException} naming the
     * file and what was wrong.
     */
    ImageData load(String name, Path dir) throws IOException;

    /**
     * The dataset's shape, classes and split sizes as published, without reading it (for the model check at load
     * time and {@code --dry-run}); empty when only the files can tell, e.g. an image folder.
     */
    default Optional<DataShape> describe(String name) {
        return Optional.empty();
    }

    /**
     * Where the dataset is published, for {@code --download} and {@code dataset.download: true}; empty when it
     * cannot be downloaded.
     */
    default Optional<DataSource> source(String name) {
        return Optional.empty();
    }

    /** How a user gets the data, e.g. a package to install; null if nothing can be suggested. */
    default String installHint(String name) {
        return null;
    }
}
