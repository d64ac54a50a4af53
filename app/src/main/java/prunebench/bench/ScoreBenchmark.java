package prunebench.bench;

import static prunebench.bench.CsvRows.row;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.ModelRegistry;
import prunebench.model.Network;
import prunebench.prune.CompressionBudget;
import prunebench.prune.MaskSet;
import prunebench.prune.Pruner;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyOptions;
import prunebench.prune.StrategyRegistry;

/**
 * {@code score STRATEGY [--model resnet20] [--compression C] [--batch B]}: seconds inside the strategy's
 * {@code score()} and seconds of the whole pruning (scoring plus exact top-k, over its default {@code iterations}
 * rounds) at compression C of a fresh network; see {@link Bench}.
 */
final class ScoreBenchmark {
    private ScoreBenchmark() {
    }

    static int run(BenchArgs args) {
        String strategyName = args.subject();
        String modelName = args.option("model", "resnet20");
        double compression = Double.parseDouble(args.option("compression", "16"));
        StrategyRegistry registry = new StrategyRegistry();
        if (!registry.names().contains(strategyName)) {
            System.err.println("bench: no strategy '" + strategyName + "' in this build (have "
                    + registry.names() + "); skipped");
            return Bench.MISSING;
        }
        PruningStrategy strategy = registry.get(strategyName);
        int batch = args.intOption("batch", 128);
        Shape shape = Workloads.inputShape(modelName);
        ImageData data = Workloads.synthetic((int) shape.get(0), (int) shape.get(1), batch * 10, 10, false);
        BatchLoader plain = new BatchLoader(data, data.train(), false, Device.cpu());
        Object iterations = strategy.parameterDefaults().get("iterations");
        int rounds = iterations instanceof Number n ? n.intValue() : 1;
        TimedScores timed = new TimedScores(strategy);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network network = Network.create(new ModelRegistry().get(modelName), shape, 10, manager, 0);
            List<PruningTarget> targets = PruningTargets.of(network, false, false);
            long total = network.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            long prunable = targets.stream().mapToLong(PruningTarget::size).sum();
            long keep = new CompressionBudget(total, prunable, compression).keep();
            StrategyOptions opts = new StrategyOptions(strategy.name(), strategy.parameterDefaults(), Map.of());
            try (MaskSet masks = MaskSet.dense(targets, manager)) {
                long t0 = System.nanoTime();
                new Pruner(network, targets, plain, batch, 0).prune(timed, opts, masks, keep,
                        strategy.defaultDistribution(), rounds, false);
                double pruneSeconds = (System.nanoTime() - t0) / 1e9;
                String label = "score_" + strategyName + (rounds > 1 ? "_" + rounds + "rounds" : "");
                row(label, modelName, batch, timed.nanos / 1e9, "s");
                row("prune_" + strategyName + (rounds > 1 ? "_" + rounds + "rounds" : ""), modelName, batch,
                        pruneSeconds, "s");
            }
        }
        return 0;
    }

    /** The strategy itself, adding up the time spent in its {@code score()}. */
    private static final class TimedScores implements PruningStrategy {
        private final PruningStrategy strategy;
        private long nanos;

        TimedScores(PruningStrategy strategy) {
            this.strategy = strategy;
        }

        @Override
        public String name() {
            return strategy.name();
        }

        @Override
        public String description() {
            return strategy.description();
        }

        @Override
        public Map<String, NDArray> score(PruningContext context) {
            long t0 = System.nanoTime();
            Map<String, NDArray> s = strategy.score(context);
            nanos += System.nanoTime() - t0;
            return s;
        }
    }
}
