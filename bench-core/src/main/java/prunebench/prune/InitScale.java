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
 */
public enum InitScale {
    /** The model's dense initialisation, unchanged (the default: published protocols stay reproducible). */
    DENSE,
    /** Each masked Conv/Linear weight tensor times 1/sqrt(its density). */
    SPARSE;

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
