package prunebench.run;

import prunebench.config.Canonical;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.DatasetSpec;
import prunebench.config.TrainSchedule;
import prunebench.model.Network;
import prunebench.util.TensorFiles;

/**
 * Dense pretrained models, one per (model, dataset, seed, pretrain schedule): trained once, stored under
 * {@code pretrained/<model>-s<seed>-<hash8>/weights.npz}, reused by every run of that seed and by later invocations.
 * A file lock makes concurrent runners wait for the one that trains; pretraining checkpoints every epoch.
 */
final class DenseCache {
    /** What determines a pretrained model. */
    record Key(String model, DatasetSpec dataset, long seed, TrainSchedule pretrain) {
        String dirName() {
            return model + "-s" + seed + "-" + Canonical.hash(new Key(model, dataset.withoutRoot(), seed, pretrain)).substring(0, 8);
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

    private void load(Key key, Path dir, int step, Network network, NDManager manager) throws IOException {
        Path weights = dir.resolve("weights.npz");
        if (!Files.isRegularFile(weights)) {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                if (!Files.isRegularFile(weights)) {
                    pretrain(key, dir, step, manager);
                }
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> saved = TensorFiles.load(weights, scope);
            for (Map.Entry<String, Parameter> e : network.allParameters().entrySet()) {
                NDArray a = saved.get(e.getKey());
                if (a == null) {
                    throw new IOException(weights + " lacks parameter " + e.getKey() + "; delete the folder");
                }
                e.getValue().getArray().set(a.toByteBuffer());
            }
        }
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
            TensorFiles.save(dir.resolve("weights.npz"), tensors);
            checkpoint.delete();
        }
    }
}
