package prunebench.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import prunebench.model.Network;
import prunebench.model.TorchNames;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningTarget;
import prunebench.util.AtomicFiles;
import prunebench.util.TensorFiles;

/**
 * A run's tensor files, every tensor under its PyTorch {@code state_dict} name ({@link TorchNames}), so that
 * {@code torch.nn.Module.load_state_dict} and {@code torch.nn.utils.prune.custom_from_mask} take them as they are:
 * <ul>
 *   <li>{@code masks.npz}: {@code mask/<name>} (bool) per pruned tensor, {@code init/<name>} the weights scored,
 *       and for dynamic sparse training {@code final_mask/<name>}, the masks at the end;</li>
 *   <li>{@code weights.npz}: the final weights, BatchNorm running statistics included ({@code <name>}, float32);</li>
 *   <li>{@code layers.csv}: kept weights per pruned tensor.</li>
 * </ul>
 */
final class TorchOutputs {
    static final String MASKS = "masks.npz";
    static final String WEIGHTS = "weights.npz";
    static final String LAYERS = "layers.csv";

    private final TorchNames names;

    TorchOutputs(TorchNames names) {
        this.names = names;
    }

    /** {@code masks.npz} after pruning; closes {@code scoredOn}. */
    void writeMasks(Path dir, MaskSet masks, Map<String, NDArray> scoredOn) throws IOException {
        List<NDArray> converted = new ArrayList<>();
        try {
            Map<String, NDArray> out = new LinkedHashMap<>();
            masks.masks().forEach((n, m) -> out.put("mask/" + names.of(n), bool(m, converted)));
            scoredOn.forEach((n, w) -> out.put("init/" + names.of(n), w));
            TensorFiles.save(dir.resolve(MASKS), out);
        } finally {
            converted.forEach(NDArray::close);
            scoredOn.values().forEach(NDArray::close);
        }
    }

    /** Adds {@code final_mask/<name>}, the masks after dynamic sparse training, to {@code masks.npz}. */
    void addFinalMasks(Path dir, MaskSet masks, NDManager manager) throws IOException {
        Path file = dir.resolve(MASKS);
        List<NDArray> converted = new ArrayList<>();
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> out = new LinkedHashMap<>(TensorFiles.load(file, scope));
            masks.masks().forEach((n, m) -> out.put("final_mask/" + names.of(n), bool(m, converted)));
            TensorFiles.save(file, out);
        } finally {
            converted.forEach(NDArray::close);
        }
    }

    /** {@code weights.npz}: every parameter of the network as it is now (pruned weights are zero). */
    void writeWeights(Path dir, Network network) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        network.allParameters().forEach((n, p) -> out.put(names.of(n), p.getArray()));
        TensorFiles.save(dir.resolve(WEIGHTS), out);
    }

    /** {@code layers.csv}: one row per pruned tensor, {@code layer,shape,parameters,kept,density}. */
    void writeLayers(Path dir, MaskSet masks) throws IOException {
        StringBuilder sb = new StringBuilder("layer,shape,parameters,kept,density\n");
        for (PruningTarget t : masks.targets()) {
            long kept = masks.kept(t.name());
            sb.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.6f%n", names.of(t.name()),
                    t.array().getShape().toString().replace(", ", "x").replace("(", "").replace(")", ""), t.size(),
                    kept, (double) kept / t.size()));
        }
        AtomicFiles.writeString(dir.resolve(LAYERS), sb.toString());
    }

    private static NDArray bool(NDArray mask, List<NDArray> converted) {
        NDArray b = mask.toType(DataType.BOOLEAN, false);
        if (b != mask) {
            converted.add(b);
        }
        return b;
    }
}
