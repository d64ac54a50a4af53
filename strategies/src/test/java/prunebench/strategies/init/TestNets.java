package prunebench.strategies.init;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import java.util.Map;
import java.util.function.Supplier;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.Architecture;
import prunebench.model.ModelFactory;
import prunebench.model.Network;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyOptions;

/** Small hand-built networks and pruning contexts for the strategy tests. */
final class TestNets {
    static final long SEED = 3;

    private TestNets() {}

    /** A network of {@code blocks} in sequence; the last one is the classifier. */
    static Network sequential(NDManager manager, Shape inputShape, int classes, Supplier<Block[]> blocks) {
        ModelFactory factory = new ModelFactory() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public String description() {
                return "test network";
            }

            @Override
            public Architecture build(Shape shape, int numClasses) {
                Block[] b = blocks.get();
                SequentialBlock net = new SequentialBlock();
                for (Block x : b) {
                    net.add(x);
                }
                return new Architecture(net, b[b.length - 1]);
            }
        };
        return Network.create(factory, inputShape, classes, manager, SEED);
    }

    /** The parameter whose name ends with {@code suffix} (e.g. {@code 01Linear_weight}). */
    static Parameter parameter(Network net, String suffix) {
        return net.allParameters().entrySet().stream().filter(e -> e.getKey().endsWith(suffix))
                .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError(
                        "no parameter " + suffix + " in " + net.allParameters().keySet()));
    }

    /** A context for {@code strategy} over every Conv/Linear weight (classifier included), round 0. */
    static PruningContext context(Network net, PruningStrategy strategy, Map<String, Object> given,
            BatchLoader data, int batchSize, NDManager scope) {
        var targets = PruningTargets.of(net, true, false);
        MaskSet masks = MaskSet.dense(targets, scope);
        StrategyOptions options = new StrategyOptions(strategy.name(), strategy.parameterDefaults(), given);
        return new PruningContext(net, targets, masks, scope, data, batchSize, SEED, 0, options);
    }

    /** A loader over {@code n} images of 1x2x2 whose pixels are a fixed pattern, labels cycling over classes. */
    static BatchLoader tinyData(int n, int classes) {
        byte[] px = new byte[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            for (int j = 0; j < 4; j++) {
                px[i * 4 + j] = (byte) ((37 * i + 91 * j + 11 * i * j) % 256);
            }
        }
        ImageData.Split split = new ImageData.Split(px, labels);
        ImageData data = new ImageData("tiny", 1, 2, 2, classes, split, split, false);
        return new BatchLoader(data, data.train(), false, ai.djl.Device.cpu());
    }
}
