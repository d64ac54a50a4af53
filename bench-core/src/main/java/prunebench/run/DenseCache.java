package prunebench.run;

import prunebench.config.Canonical;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.DatasetSpec;
import prunebench.config.TrainSchedule;
import prunebench.model.Network;

/**
 * Dense pretrained models, one per (model, dataset, seed, pretrain schedule): trained once, stored under
 * {@code pretrained/<model>-s<seed>-<hash8>/weights.npz}, reused by every run of that seed and by later invocations.
 * A file lock makes concurrent runners wait for the one that trains; pretraining checkpoints every epoch.
 */
final class DenseCache {
    /** What determines a pretrained model. */
    record Key(String model, DatasetSpec dataset, long seed, TrainSchedule pretrain) {
        String dirName() {
            return model + "-s" + seed + "-" + identity().substring(0, 8);
        }

        /** The hash of what determines the model (the data's fingerprint included, its folder not). */
        String identity() {
            return Canonical.hash(new Key(model, dataset.withoutRoot(), seed, pretrain));
        }

        /** The dense model a run starts from. */
        static Key of(RunSpec spec) {
            return new Key(spec.model(), spec.dataset(), spec.seed(), spec.pretrain());
        }
    }

    private final Path root;
    private final Workspace ws;

    DenseCache(Path root, Workspace ws) {
        this.root = root;
        this.ws = ws;
    }

    Path dir(Key key) {
        return root.resolve(key.dirName());
    }

    /** Loads the pretrained weights into {@code network}, pretraining first if they are not cached. */
    void loadInto(Key key, Network network, NDManager manager) throws IOException {
        load(key, dir(key), -1, network, manager);
    }

    /**
     * Loads the dense model's weights after {@code step} optimizer steps of its pretraining (a rewinding point),
     * training them from the seed's initialisation the first time: the same steps as the pretraining, so the same
     * weights it passed through.
     */
    void loadAt(Key key, int step, Network network, NDManager manager) throws IOException {
        load(key, dir(key).resolve("step-" + step), step, network, manager);
    }

    /**
     * A cached model that fails its checks (see {@link CachedWeights}) is set aside, said so with its path, and
     * trained again.
     */
    private void load(Key key, Path dir, int step, Network network, NDManager manager) throws IOException {
        CachedWeights cached = new CachedWeights(dir);
        String identity = identity(key, step);
        try {
            cached.loadInto(network, manager, identity);
            return;
        } catch (CachedWeights.Unusable outsideLock) {
            // missing or damaged: decide under the lock, another process may be writing it right now
        }
        Files.createDirectories(dir);
        try (RunLock lock = RunLock.acquire(dir.resolve(".lock"))) {
            try {
                cached.loadInto(network, manager, identity);
                return;
            } catch (CachedWeights.Unusable e) {
                if (!e.missing) {
                    Path aside = cached.setAside();
                    ws.progress().info("warning: pretrained model " + cached.weights() + " is unusable: "
                            + e.getMessage() + "; moved to " + aside + ", pretraining it again");
                }
            }
            pretrain(key, dir, step, manager);
        }
        try {
            cached.loadInto(network, manager, identity);
        } catch (CachedWeights.Unusable e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static String identity(Key key, int step) {
        return step < 0 ? key.identity() : key.identity() + "-step-" + step;
    }

    /** Dense training as a plan of one stage, up to {@code step} (all of it when negative), into {@code dir}. */
    private void pretrain(Key key, Path dir, int step, NDManager parent) throws IOException {
        TrainSchedule schedule = key.pretrain();
        ws.progress().info("pretraining " + key.model() + " on " + key.dataset().name() + ", seed " + key.seed()
                + ", " + (step < 0 ? schedule.epochs() + " epochs" : step + " steps") + " -> " + dir);
        try (NDManager manager = parent.newSubManager()) {
            Network network = Network.create(ws.model(), ws.inputShape(), ws.data().numClasses(), manager, key.seed());
            Checkpoint checkpoint = new Checkpoint(dir);
            try (RunState state = new RunState(network, manager, key.seed(), dir, "dense", null)) {
                new PlanRunner(ws, this, null, null).run(
                        List.of(new Stage.Train("pretrain", schedule, 0, 0, step, null)), state, checkpoint);
            }
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            network.allParameters().forEach((n, p) -> tensors.put(n, p.getArray()));
            new CachedWeights(dir).save(tensors, identity(key, step));
            checkpoint.delete();
        }
    }
}
