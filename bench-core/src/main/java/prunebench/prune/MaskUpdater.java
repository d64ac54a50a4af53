package prunebench.prune;

import prunebench.train.TrainingListener;

/**
 * A training listener that rewires the masks (in {@link TrainingListener#afterStep}, while the step's gradients are
 * still present) and counts what it changed. It must derive any randomness from the seed and the global step, never
 * from state carried between steps, so that a run resumed from a checkpoint draws the same numbers.
 */
public interface MaskUpdater extends TrainingListener {
    /** Mask updates made by this updater so far (not counting those before a resume). */
    MaskUpdateStats stats();
}
