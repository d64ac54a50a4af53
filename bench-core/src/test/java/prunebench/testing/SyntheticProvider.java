package prunebench.testing;

import java.nio.file.Path;
import java.util.List;
import prunebench.data.DatasetProvider;
import prunebench.data.ImageData;

/** A dataset provider serving {@link SyntheticData}: present in any folder. */
public final class SyntheticProvider implements DatasetProvider {
    private final ImageData data;

    public SyntheticProvider(ImageData data) {
        this.data = data;
    }

    @Override
    public List<String> names() {
        return List.of("synthetic");
    }

    @Override
    public String expectedLayout(String name) {
        return "nothing: generated in memory";
    }

    @Override
    public boolean isPresent(String name, Path dir) {
        return true;
    }

    @Override
    public ImageData load(String name, Path dir) {
        return data;
    }
}
