package prunebench.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.model.Network;
import prunebench.prune.MaskSet;
import prunebench.train.EpochRecord;
import prunebench.train.Optimizer;
import prunebench.util.AtomicFiles;
import prunebench.util.Json;
import prunebench.util.TensorFiles;

/**
 * The state of a stage after a finished epoch: every parameter (BatchNorm statistics included), the masks, the
 * optimizer state, and the bookkeeping in {@code checkpoint.json}. The data order and augmentation of an epoch are
 * drawn from (seed, epoch), so no generator state needs saving. The tensors are written first and the JSON last:
 * a checkpoint counts only once its JSON names the epoch.
 */
final class Checkpoint {
    /** What {@code checkpoint.json} holds; the mask-update counts are those of dynamic sparse training so far. */
    record State(String stage, int epochsDone, List<EpochRecord> epochs, double top1PreFinetune,
            double top5PreFinetune, double pruneSeconds, double wallSeconds, int maskUpdates,
            long connectionsChanged) {}

    private final Path dir;

    Checkpoint(Path dir) {
        this.dir = dir;
    }

    void save(State state, Network network, MaskSet masks, Optimizer optimizer) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        network.allParameters().forEach((n, p) -> tensors.put("param/" + n, p.getArray()));
        if (masks != null) {
            masks.masks().forEach((n, m) -> tensors.put("mask/" + n, m));
        }
        optimizer.state().forEach((n, t) -> tensors.put("optimizer/" + n, t));
        TensorFiles.save(dir.resolve("checkpoint.npz"), tensors);
        AtomicFiles.writeString(dir.resolve("checkpoint.json"), Json.compact().toJson(state));
    }

    State state() throws IOException {
        Path json = dir.resolve("checkpoint.json");
        if (!Files.isRegularFile(json) || !Files.isRegularFile(dir.resolve("checkpoint.npz"))) {
            return null;
        }
        return Json.compact().fromJson(Files.readString(json), State.class);
    }

    /** Restores parameters, masks and optimizer state; returns false if the files do not match the network. */
    void restore(Network network, MaskSet masks, Optimizer optimizer, NDManager manager) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> tensors = TensorFiles.load(dir.resolve("checkpoint.npz"), scope);
            for (Map.Entry<String, Parameter> e : network.allParameters().entrySet()) {
                NDArray saved = tensors.get("param/" + e.getKey());
                if (saved == null) {
                    throw new IOException("checkpoint lacks parameter " + e.getKey());
                }
                e.getValue().getArray().set(saved.toByteBuffer());
            }
            if (masks != null) {
                for (String name : masks.masks().keySet()) {
                    NDArray saved = tensors.get("mask/" + name);
                    if (saved == null) {
                        throw new IOException("checkpoint lacks mask " + name);
                    }
                    masks.get(name).set(saved.toByteBuffer());
                }
            }
            Map<String, NDArray> opt = new LinkedHashMap<>();
            tensors.forEach((k, v) -> {
                if (k.startsWith("optimizer/")) {
                    opt.put(k.substring("optimizer/".length()), v);
                }
            });
            optimizer.loadState(opt);
        }
    }

    void delete() throws IOException {
        Files.deleteIfExists(dir.resolve("checkpoint.json"));
        Files.deleteIfExists(dir.resolve("checkpoint.npz"));
    }
}
