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
import prunebench.train.EpochRecord;
import prunebench.train.Optimizer;
import prunebench.train.Trainer;

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

    /**
     * Loads the pretrained weights into {@code network}, pretraining first if they are not cached. A cached model
     * that fails its checks (see {@link CachedWeights}) is set aside, said so with its path, and trained again.
     */
    void loadInto(Key key, Network network, NDManager manager) throws IOException {
        Path dir = dir(key);
        CachedWeights cached = new CachedWeights(dir);
        try {
            cached.loadInto(network, manager, key.identity());
            return;
        } catch (CachedWeights.Unusable outsideLock) {
            // missing or damaged: decide under the lock, another process may be writing it right now
        }
        Files.createDirectories(dir);
        try (RunLock lock = RunLock.acquire(dir.resolve(".lock"))) {
            try {
                cached.loadInto(network, manager, key.identity());
                return;
            } catch (CachedWeights.Unusable e) {
                if (!e.missing) {
                    Path aside = cached.setAside();
                    ws.progress().info("warning: pretrained model " + cached.weights() + " is unusable: "
                            + e.getMessage() + "; moved to " + aside + ", pretraining it again");
                }
            }
            pretrain(key, network, manager, dir);
        }
    }

    private void pretrain(Key key, Network network, NDManager manager, Path dir) throws IOException {
        TrainSchedule schedule = key.pretrain();
        ws.progress().info("pretraining " + key.model() + " on " + key.dataset().name() + ", seed " + key.seed()
                + ", " + schedule.epochs() + " epochs -> " + dir);
        Trainer trainer = new Trainer(network, manager, ws.train(), ws.test(), key.seed());
        Checkpoint checkpoint = new Checkpoint(dir);
        try (Optimizer optimizer = trainer.newOptimizer(schedule)) {
            Checkpoint.State state = checkpoint.state();
            List<EpochRecord> done = new java.util.ArrayList<>();
            int start = 0;
            if (state != null && "pretrain".equals(state.stage())) {
                checkpoint.restore(network, null, optimizer, manager);
                start = state.epochsDone();
                done.addAll(state.epochs());
                ws.progress().info("  resuming pretraining after epoch " + start);
            }
            trainer.addListener(new prunebench.train.TrainingListener() {
                @Override
                public void progress(int epoch, int step, int steps, double loss, double top1) {
                    ws.progress().step("pretrain", epoch, schedule.epochs(), step, steps, loss, top1);
                }

                @Override
                public void afterEpoch(EpochRecord r) {
                    done.add(r);
                    ws.progress().epoch("dense", r, schedule.epochs());
                    try {
                        checkpoint.save(new Checkpoint.State("pretrain", r.epoch(), List.copyOf(done), 0, 0, 0, 0,
                                0, 0), network, null, optimizer);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            trainer.train("pretrain", schedule, optimizer, null, start);
            EpochLog.write(dir.resolve("epochs.csv"), done);
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        network.allParameters().forEach((n, p) -> tensors.put(n, p.getArray()));
        new CachedWeights(dir).save(tensors, key.identity());
        checkpoint.delete();
    }
}
