package prunebench.prune;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import prunebench.train.TrainingListener;

/**
 * A training listener that rewires the masks (in {@link TrainingListener#afterStep}, while the step's gradients are
 * still present) and counts what it changed. It must derive any randomness from the seed and the global step, never
 * from state carried between steps, so that a run resumed from a checkpoint draws the same numbers.
 */
public interface MaskUpdater extends TrainingListener {
    /** Mask updates made by this updater so far (not counting those before a resume). */
    MaskUpdateStats stats();

    /**
     * What the updater carries between steps that a resumed run needs (a threshold, dense weights kept beside the
     * masked ones), saved with every checkpoint inside a training stage. The arrays stay the updater's.
     */
    default Map<String, NDArray> state() {
        return Map.of();
    }

    /** Restores {@link #state()} after a resume, before the first step; the arrays are the caller's (copy them). */
    default void loadState(Map<String, NDArray> state) {}
}
