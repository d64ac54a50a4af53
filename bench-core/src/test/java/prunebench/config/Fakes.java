package prunebench.config;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import prunebench.data.DatasetProvider;
import prunebench.data.DatasetRegistry;
import prunebench.data.ImageData;
import prunebench.model.Architecture;
import prunebench.model.ModelFactory;
import prunebench.model.ModelRegistry;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.StrategyRegistry;

/** Registries of named stand-ins: the loader only needs names and parameter defaults. */
final class Fakes {
    private Fakes() {}

    static ExperimentLoader loader() {
        return loader(report -> { });
    }

    /** With {@code reportCheck} applied to the report: section. */
    static ExperimentLoader loader(java.util.function.Consumer<Object> reportCheck) {
        return new ExperimentLoader(
                new ModelRegistry(List.of(model("lenet5"), model("lenet300100"))),
                new DatasetRegistry(List.of(dataset("mnist"), dataset("fashion-mnist"), dataset("cifar10")), Map.of()),
                new StrategyRegistry(List.of(
                        strategy("random", Map.of()),
                        strategy("global_magnitude", Map.of()),
                        strategy("snip", Map.of("batches", 1)),
                        strategy("typed", Map.of("alpha", 0.5, "steps", 3, "mode", "fast", "flag", true)))),
                reportCheck);
    }

    static ModelFactory model(String name) {
        return new ModelFactory() {
            @Override public String name() {
                return name;
            }

            @Override public String description() {
                return "fake " + name;
            }

            @Override public Architecture build(Shape inputShape, int numClasses) {
                throw new UnsupportedOperationException();
            }
        };
    }

    static DatasetProvider dataset(String name) {
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
        };
    }

    static PruningStrategy strategy(String name, Map<String, Object> defaults) {
        return new PruningStrategy() {
            @Override public String name() {
                return name;
            }

            @Override public String description() {
                return "fake " + name;
            }

            @Override public Map<String, Object> parameterDefaults() {
                return defaults;
            }

            @Override public Map<String, NDArray> score(PruningContext context) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
