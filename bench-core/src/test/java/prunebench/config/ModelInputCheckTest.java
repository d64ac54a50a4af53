package prunebench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import prunebench.data.DataShape;
import prunebench.data.DatasetProvider;
import prunebench.data.DatasetRegistry;
import prunebench.data.ImageData;
import prunebench.model.CifarResNet;
import prunebench.model.CifarVgg;
import prunebench.model.LeNet5;
import prunebench.model.ModelRegistry;
import prunebench.prune.StrategyRegistry;

/** A model and a dataset that do not fit are refused at load time, an unusual pair is named in a warning. */
class ModelInputCheckTest {
    private final List<String> warnings = new ArrayList<>();

    private ExperimentSpec load(String model, String dataset) {
        ExperimentLoader loader = new ExperimentLoader(
                new ModelRegistry(List.of(new LeNet5(), new CifarResNet.ResNet20(), new CifarVgg.Vgg16())),
                new DatasetRegistry(List.of(described("fashion-mnist", new DataShape(1, 28, 28, 10, 60_000, 10_000)),
                        described("cifar10", new DataShape(3, 32, 32, 10, 50_000, 10_000)),
                        described("tiny", new DataShape(3, 8, 8, 2, 100, 10))), Map.of()),
                new StrategyRegistry(List.of(Fakes.strategy("random", Map.of()))), r -> { }, warnings::add);
        String yaml = """
                name: x
                model: %s
                dataset: {name: %s}
                pretrain: {epochs: 1, batch_size: 8, optimizer: {name: sgd, lr: 0.1}}
                pruning: {compressions: [1], strategies: [random]}
                """.formatted(model, dataset);
        return loader.parse(yaml, "x.yaml", List.of());
    }

    @Test
    void refusesImagesTheModelsPoolingsShrinkToNothing() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("vgg16", "fashion-mnist"));
        assertTrue(e.getMessage().startsWith("x.yaml:2: model: vgg16 needs images of at least 32x32"), e.getMessage());
        assertTrue(e.getMessage().contains("'fashion-mnist' (dataset.name) has 1x28x28 images"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("lenet5", "tiny"));
        assertTrue(e.getMessage().contains("lenet5 needs images of at least 12x12"), e.getMessage());
    }

    @Test
    void warnsWhenTheModelRunsOnImagesItWasNotDesignedFor() {
        load("resnet20", "fashion-mnist");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("warning: x.yaml:2: model: resnet20 was designed for 3x32x32 images, "
                + "but dataset 'fashion-mnist' (dataset.name) has 1x28x28 images, 10 classes"), warnings.get(0));
        load("lenet5", "cifar10");
        assertEquals(2, warnings.size(), warnings.toString());
    }

    @Test
    void saysNothingAboutTheUsualPairs() {
        load("resnet20", "cifar10");
        load("vgg16", "cifar10");
        load("lenet5", "fashion-mnist");
        assertEquals(List.of(), warnings);
    }

    private static DatasetProvider described(String name, DataShape shape) {
        return new DatasetProvider() {
            @Override public List<String> names() {
                return List.of(name);
            }

            @Override public String expectedLayout(String n) {
                return "nothing";
            }

            @Override public boolean isPresent(String n, Path dir) {
                return false;
            }

            @Override public ImageData load(String n, Path dir) {
                throw new UnsupportedOperationException();
            }

            @Override public Optional<DataShape> describe(String n) {
                return Optional.of(shape);
            }
        };
    }
}
