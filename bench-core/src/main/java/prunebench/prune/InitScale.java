package prunebench.prune;

import ai.djl.ndarray.NDArray;

/**
 * {@code pruning.init_scale}: the scale of a sparse network's initial weights. The model's initialisation is sized
 * for the dense fan-in, so a layer that keeps a fraction d of its weights passes a signal about sqrt(d) times weaker
 * (at 16-20x on LeNet-5 the network can stay at chance for the whole budget). {@link #SPARSE} multiplies each masked
 * layer's weights by 1/sqrt(d) once its mask is applied, as RigL's {@code layer_scaled_init}
 * (google-research/rigl, {@code rigl_tf2/init_utils.py}: the dense initialisation divided by sqrt of the mask's
 * fraction of nonzeros; Evci et al. 2022, "Gradient flow in sparse neural networks"). That reference also has
 * {@code unit_scaled_init}, which redraws each weight for its unit's own sparse fan-in; it is not done here.
 * {@link #ISOMETRY} instead replaces the kept weights by an approximately orthogonal sparse initialisation
 * ({@link ApproximateIsometry}: Lee et al. 2020's approximate dynamical isometry).
 *
 * <p>Why an option of the initialisation and not of a strategy (a {@code snip_isometry}, or an {@code isometry} key
 * of {@code snip}): a strategy scores and selects the weights to keep; what the kept weights start from is a separate
 * axis, the same for every mask found at init (Lee et al. pair it with SNIP and with random masks). As a value of
 * this option it applies to any strategy pruned at init ({@code snip}, {@code grasp}, {@code synflow}, {@code
 * random}), for the whole experiment ({@code pruning.init_scale}) or for one strategy entry (its {@code
 * init_scale} key), and a comparison with and without it changes one thing only.
 */
public enum InitScale {
    /** The model's dense initialisation, unchanged (the default: published protocols stay reproducible). */
    DENSE,
    /** Each masked Conv/Linear weight tensor times 1/sqrt(its density). */
    SPARSE,
    /**
     * Each masked Conv/Linear weight tensor optimised toward orthonormal rows under its mask, dataless (Lee et al.
     * 2020; {@link ApproximateIsometry}).
     */
    ISOMETRY;

    /** The key of a strategy entry that sets its own scale, over the experiment's {@code pruning.init_scale}. */
    public static final String KEY = "init_scale";
    /** The values, as YAML writes them. */
    public static final java.util.List<String> NAMES = java.util.List.of("dense", "sparse", "isometry");

    /** The scale named {@code name} ({@link #NAMES}). */
    public static InitScale of(String name) {
        if (!NAMES.contains(name)) {
            throw new prunebench.config.ConfigException(prunebench.util.Names.unknown(KEY, name, NAMES));
        }
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * Rescales the weights under {@code masks} (already applied) for this scale: a no-op for {@link #DENSE}. Only
     * Conv/Linear weight tensors (two or more dimensions) are scaled, not biases or BatchNorm parameters that a
     * structured mask may cover; an empty or full tensor is left alone. Call it for every (re)initialisation of a
     * sparse network.
     */
    public void apply(MaskSet masks) {
        if (this == DENSE) {
            return;
        }
        if (this == ISOMETRY) {
            ApproximateIsometry.apply(masks);
            return;
        }
        for (PruningTarget t : masks.targets()) {
            NDArray w = t.array();
            if (t.isBias() || w.getShape().dimension() < 2) {
                continue;
            }
            long kept = masks.kept(t.name());
            if (kept == 0 || kept == t.size()) {
                continue;
            }
            w.muli(Math.sqrt((double) t.size() / kept));
        }
    }
}
