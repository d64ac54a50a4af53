package prunebench.run;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.model.Network;
import prunebench.prune.StrategyRegistry;
import prunebench.prune.Timing;

/**
 * The dense pretrainings a grid needs, one per seed whose runs prune the pretrained model, in the plan's order, so
 * that they can run as jobs of their own before the runs (a Slurm array task per model). A run would pretrain its
 * model itself when missing (under the cache's lock); doing it first keeps the runs from waiting on that lock.
 */
public final class Pretraining {
    /** One dense model: its position in {@link #models}, its seed, its folder and whether it is trained already. */
    public record Model(int index, long seed, Path dir, boolean done) {}

    private Pretraining() {}

    private static Map<DenseCache.Key, Integer> keys(ExperimentRunner.Plan plan) {
        Map<DenseCache.Key, Integer> keys = new LinkedHashMap<>();
        for (RunSpec r : plan.runs()) {
            DenseCache.Key k = key(r);
            if (k != null) {
                keys.putIfAbsent(k, keys.size());
            }
        }
        return keys;
    }

    private static DenseCache.Key key(RunSpec r) {
        return r.timing() == Timing.PRETRAINED ? new DenseCache.Key(r.model(), r.dataset(), r.seed(), r.pretrain())
                : null;
    }

    private static Path root(ExperimentRunner.Plan plan) {
        return plan.resultsDir().resolve("pretrained");
    }

    /** The dense models of the plan, in order. */
    public static List<Model> models(ExperimentRunner.Plan plan) {
        List<Model> out = new ArrayList<>();
        keys(plan).forEach((k, i) -> {
            Path dir = root(plan).resolve(k.dirName());
            out.add(new Model(i, k.seed(), dir, Files.isRegularFile(dir.resolve("weights.npz"))));
        });
        return out;
    }

    /** The index in {@link #models} of the model {@code run} starts from, or -1 for a run pruned at init. */
    public static int indexOf(ExperimentRunner.Plan plan, RunSpec run) {
        DenseCache.Key k = key(run);
        return k == null ? -1 : keys(plan).get(k);
    }

    /** Trains dense model {@code index} into the cache, or resumes its checkpoint; nothing when it is there. */
    public static void run(ExperimentRunner.Plan plan, int index, StrategyRegistry strategies, PrintStream log,
            String label) throws IOException {
        List<DenseCache.Key> all = new ArrayList<>(keys(plan).keySet());
        if (index < 0 || index >= all.size()) {
            throw new prunebench.config.ConfigException("pretraining index " + index + " out of range: the grid "
                    + "needs " + all.size() + " dense model(s)");
        }
        DenseCache.Key key = all.get(index);
        Progress progress = new Progress(log, label);
        Workspace ws = ExperimentRunner.workspace(plan, strategies, new ResultStore(plan.resultsDir()), progress);
        DenseCache cache = new DenseCache(root(plan), ws);
        if (Files.isRegularFile(cache.dir(key).resolve("weights.npz"))) {
            progress.info("dense model " + key.model() + " seed " + key.seed() + " is pretrained already: "
                    + cache.dir(key));
            return;
        }
        try (NDManager manager = NDManager.newBaseManager(plan.device())) {
            Network network = Network.create(plan.model(), ws.inputShape(), plan.data().numClasses(), manager,
                    key.seed());
            cache.loadInto(key, network, manager);
        }
        progress.info("pretrained " + key.model() + " seed " + key.seed() + " -> " + cache.dir(key));
    }
}
