package prunebench.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.prune.MaskUpdateStats;
import prunebench.prune.MaskUpdater;
import prunebench.train.EpochRecord;
import prunebench.train.Optimizer;
import prunebench.util.AtomicFiles;
import prunebench.util.Json;
import prunebench.util.TensorFiles;

/**
 * A run's state at a stage boundary or after a finished epoch inside a training stage: every parameter (BatchNorm
 * statistics included), the masks, the stored copies, the optimizer state inside a training stage, and the
 * bookkeeping in {@code checkpoint.json}. The data order and augmentation of an epoch are drawn from (seed, epoch),
 * so no generator state needs saving. The tensors go to a file named by the position, written first; the JSON,
 * written last, names it, and only then are older tensor files deleted: a kill at any moment leaves a JSON and the
 * tensors of the same position.
 */
final class Checkpoint {
    /**
     * What {@code checkpoint.json} holds: the plan's position (stage index; optimizer steps done inside it, 0 at its
     * start) and the records so far.
     */
    record State(int stage, int stepsDone, List<EpochRecord> epochs, double top1Pre, double top5Pre, double top1,
            double top5, double pruneSeconds, double wallSeconds, int maskUpdates, long connectionsChanged,
            boolean dynamic, List<RunResult> levels, double trainFlops, int epochsTrained, String tensors,
            Long learnedRemoved, Double learnedTop1) {}

    private final Path dir;

    Checkpoint(Path dir) {
        this.dir = dir;
    }

    void save(int stage, int stepsDone, RunState s, Optimizer optimizer, MaskUpdateStats updates) throws IOException {
        save(stage, stepsDone, s, optimizer, null, updates);
    }

    /** A checkpoint inside a training stage, with the optimizer's and the mask updater's state. */
    void save(int stage, int stepsDone, RunState s, Optimizer optimizer, MaskUpdater updater, MaskUpdateStats updates)
            throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        s.network.allParameters().forEach((n, p) -> tensors.put("param/" + n, p.getArray()));
        if (s.masks != null) {
            s.masks.masks().forEach((n, m) -> tensors.put("mask/" + n, m));
        }
        put(tensors, "scored/", s.scored);
        put(tensors, "stash_param/", s.stashedWeights);
        put(tensors, "stash_mask/", s.stashedMasks);
        put(tensors, "learned/", s.learned);
        put(tensors, "gate/", s.gates);
        if (optimizer != null) {
            optimizer.state().forEach((n, t) -> tensors.put("optimizer/" + n, t));
        }
        if (updater != null) {
            updater.state().forEach((n, t) -> tensors.put("updater/" + n, t));
        }
        Files.createDirectories(dir);
        String file = "checkpoint-" + stage + "-" + stepsDone + ".npz";
        TensorFiles.save(dir.resolve(file), tensors);
        AtomicFiles.writeString(dir.resolve("checkpoint.json"), Json.compact().toJson(new State(stage, stepsDone,
                List.copyOf(s.epochs), s.top1Pre, s.top5Pre, s.top1, s.top5, s.pruneSeconds, s.wallSeconds(),
                updates.updates(), updates.connectionsChanged(), s.dynamic, List.copyOf(s.levels), s.trainFlops, s.epochsTrained, file,
                s.learnedRemoved, s.learnedTop1)));
        deleteTensors(file);
    }

    private static void put(Map<String, NDArray> out, String prefix, Map<String, NDArray> tensors) {
        if (tensors != null) {
            tensors.forEach((n, t) -> out.put(prefix + n, t));
        }
    }

    State state() throws IOException {
        Path json = dir.resolve("checkpoint.json");
        if (!Files.isRegularFile(json)) {
            return null;
        }
        try {
            State s = Json.compact().fromJson(Files.readString(json), State.class);
            // A checkpoint of an older layout: start over.
            return s == null || s.epochs() == null || s.tensors() == null
                    || !Files.isRegularFile(dir.resolve(s.tensors())) ? null : s;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Restores the state's tensors and records (the optimizer's, if any, by {@link #restoreOptimizer}). */
    void restore(State state, RunState s) throws IOException {
        try (NDManager scope = s.manager.newSubManager()) {
            Map<String, NDArray> tensors = TensorFiles.load(dir.resolve(state.tensors()), scope);
            Map<String, NDArray> params = prefixed(tensors, "param/");
            for (String name : s.network.allParameters().keySet()) {
                if (!params.containsKey(name)) {
                    throw new IOException("checkpoint lacks parameter " + name);
                }
            }
            s.loadWeights(params);
            if (s.masks != null) {
                Map<String, NDArray> masks = prefixed(tensors, "mask/");
                for (String name : s.masks.masks().keySet()) {
                    if (!masks.containsKey(name)) {
                        throw new IOException("checkpoint lacks mask " + name);
                    }
                }
                s.loadMasks(masks);
            }
            s.scored = kept(prefixed(tensors, "scored/"), s.manager);
            s.stashedWeights = kept(prefixed(tensors, "stash_param/"), s.manager);
            s.stashedMasks = kept(prefixed(tensors, "stash_mask/"), s.manager);
            s.learned = kept(prefixed(tensors, "learned/"), s.manager);
            s.gates = kept(prefixed(tensors, "gate/"), s.manager);
        }
        s.epochs.addAll(state.epochs());
        s.top1Pre = state.top1Pre();
        s.top5Pre = state.top5Pre();
        s.top1 = state.top1();
        s.top5 = state.top5();
        s.pruneSeconds = state.pruneSeconds();
        s.wallBefore = state.wallSeconds();
        s.updates = new MaskUpdateStats(state.maskUpdates(), state.connectionsChanged());
        s.dynamic = state.dynamic();
        s.levels.addAll(state.levels());
        s.trainFlops = state.trainFlops();
        s.epochsTrained = state.epochsTrained();
        s.learnedRemoved = state.learnedRemoved();
        s.learnedTop1 = state.learnedTop1() == null ? Double.NaN : state.learnedTop1();
    }

    void restoreOptimizer(State state, Optimizer optimizer, NDManager manager) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            optimizer.loadState(prefixed(TensorFiles.load(dir.resolve(state.tensors()), scope), "optimizer/"));
        }
    }

    /** Restores a mask updater's state saved inside the stage (nothing when the checkpoint has none). */
    void restoreUpdater(State state, MaskUpdater updater, NDManager manager) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> saved = prefixed(TensorFiles.load(dir.resolve(state.tensors()), scope), "updater/");
            if (!saved.isEmpty()) {
                updater.loadState(saved);
            }
        }
    }

    private static Map<String, NDArray> prefixed(Map<String, NDArray> tensors, String prefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Copies that outlive the loading scope, or null when the checkpoint had none. */
    private static Map<String, NDArray> kept(Map<String, NDArray> tensors, NDManager manager) {
        if (tensors.isEmpty()) {
            return null;
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            NDArray c = v.duplicate();
            c.attach(manager);
            out.put(k, c);
        });
        return out;
    }

    void delete() throws IOException {
        Files.deleteIfExists(dir.resolve("checkpoint.json"));
        deleteTensors(null);
    }

    /** Deletes the tensor files of checkpoints but {@code keep}. */
    private void deleteTensors(String keep) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith("checkpoint") && n.endsWith(".npz") && !n.equals(keep)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
