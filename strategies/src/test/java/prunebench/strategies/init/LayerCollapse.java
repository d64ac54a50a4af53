package prunebench.strategies.init;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.CifarResNet;
import prunebench.model.CifarVgg;
import prunebench.model.ModelFactory;
import prunebench.model.Network;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.Pruner;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.PruningTargets;
import prunebench.prune.StrategyOptions;
import prunebench.testing.SyntheticData;

/**
 * One-off demonstration, not a test (minutes): Tanaka et al.'s layer collapse. Prunes a freshly initialised
 * CIFAR network (seed 0) to 1/100, 1/1000 and 1/10000 of its prunable weights, classifier included as in their
 * experiments, with single-shot SNIP and GraSP (on synthetic 3x32x32 data, 10 classes, one batch of 128), and
 * with SynFlow in 1 and 100 rounds; prints each layer's density as Markdown and the time spent scoring and
 * pruning. Arguments: [resnet20|vgg16] [compressions, comma-separated]. Run with
 * {@code -Dai.djl.pytorch.num_threads=1} to measure one core.
 */
final class LayerCollapse {
    private LayerCollapse() {}

    record Method(String label, PruningStrategy strategy, int iterations) {}

    record Outcome(long[] kept, double scoreSeconds, double pruneSeconds) {}

    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : "resnet20";
        String[] compressions = (args.length > 1 ? args[1] : "100,1000,10000").split(",");
        ModelFactory factory = model.equals("vgg16") ? new CifarVgg.Vgg16() : new CifarResNet.ResNet20();
        ImageData data = SyntheticData.create(256, 16, 3, 32, 10, 5);
        BatchLoader loader = new BatchLoader(data, data.train(), false, Device.cpu());
        List<Method> methods = List.of(new Method("SNIP", new Snip(), 1), new Method("GraSP", new Grasp(), 1),
                new Method("SynFlow x1", new SynFlow(), 1), new Method("SynFlow x100", new SynFlow(), 100));
        for (String c : compressions) {
            double compression = Double.parseDouble(c);
            Map<String, Outcome> outcomes = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            for (Method method : methods) {
                try (NDManager manager = NDManager.newBaseManager()) {
                    Network net = Network.create(factory, new Shape(3, 32, 32), 10, manager, 0);
                    List<PruningTarget> targets = PruningTargets.of(net, true, false);
                    if (names.isEmpty()) {
                        targets.forEach(t -> {
                            names.add(t.name());
                            sizes.add(t.size());
                        });
                    }
                    long prunable = targets.stream().mapToLong(PruningTarget::size).sum();
                    long keep = Math.round(prunable / compression);
                    double[] scoring = {0};
                    PruningStrategy timed = new PruningStrategy() {
                        @Override
                        public String name() {
                            return method.strategy().name();
                        }

                        @Override
                        public String description() {
                            return "timed";
                        }

                        @Override
                        public Map<String, NDArray> score(PruningContext context) {
                            long t0 = System.nanoTime();
                            Map<String, NDArray> s = method.strategy().score(context);
                            // CPU kernels run synchronously: the scores are computed when score() returns.
                            scoring[0] += (System.nanoTime() - t0) / 1e9;
                            return s;
                        }
                    };
                    StrategyOptions options = new StrategyOptions(method.strategy().name(),
                            method.strategy().parameterDefaults(), Map.of("iterations", method.iterations()));
                    try (MaskSet masks = MaskSet.dense(targets, manager)) {
                        long t0 = System.nanoTime();
                        new Pruner(net, targets, loader, 128, 0).prune(timed, options, masks, keep,
                                Distribution.GLOBAL, method.iterations(), false);
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        long[] kept = targets.stream().mapToLong(t -> masks.kept(t.name())).toArray();
                        outcomes.put(method.label(), new Outcome(kept, scoring[0], seconds));
                    }
                }
            }
            print(model, compression, names, sizes, outcomes);
        }
    }

    private static void print(String model, double compression, List<String> names, List<Long> sizes,
            Map<String, Outcome> outcomes) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n### %s at init, compression %.0f%n%n",
                model, compression));
        sb.append("| layer | weights |");
        outcomes.keySet().forEach(k -> sb.append(' ').append(k).append(" |"));
        sb.append("\n|---|---:|");
        outcomes.keySet().forEach(k -> sb.append("---:|"));
        sb.append('\n');
        for (int i = 0; i < names.size(); i++) {
            sb.append("| ").append(names.get(i)).append(" | ").append(sizes.get(i)).append(" |");
            for (Outcome o : outcomes.values()) {
                long kept = o.kept()[i];
                sb.append(kept == 0 ? " **0** |" : String.format(Locale.ROOT, " %.4f |", (double) kept / sizes.get(i)));
            }
            sb.append('\n');
        }
        sb.append("| collapsed layers | |");
        for (Outcome o : outcomes.values()) {
            sb.append(' ').append(java.util.Arrays.stream(o.kept()).filter(k -> k == 0).count()).append(" |");
        }
        sb.append("\n| scoring s (all rounds) | |");
        outcomes.values().forEach(o -> sb.append(String.format(Locale.ROOT, " %.2f |", o.scoreSeconds())));
        sb.append("\n| pruning s (scoring + selection) | |");
        outcomes.values().forEach(o -> sb.append(String.format(Locale.ROOT, " %.2f |", o.pruneSeconds())));
        System.out.println(sb.append('\n'));
    }
}
