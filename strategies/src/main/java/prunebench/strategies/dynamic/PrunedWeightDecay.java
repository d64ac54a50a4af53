package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import prunebench.prune.PruningTarget;

/**
 * Caffe's solver decays every weight W, pruned or not (d = g + wd * W for the whole blob); the optimizer here
 * sees W * T, zero at the pruned entries, so the decay those entries miss is added to their gradient: with
 * it the momentum and the update match the reference's. Without it a pruned weight only grows with its
 * gradient (no pull back to 0), and more of them cross the splice threshold: LeNet-300-100 ended at 19x
 * instead of the paper's 56x.
 */
final class PrunedWeightDecay {
    private PrunedWeightDecay() {
    }

    /** Adds wd * W * (1 - T) to the gradient of each target, W its dense weights and T its mask. */
    static void addToGradients(NDManager manager, List<PruningTarget> targets, List<NDArray> dense,
            List<NDArray> masks, double wd) {
        try (NDManager scope = manager.newSubManager()) {
            for (int l = 0; l < dense.size(); l++) {
                NDArray off = masks.get(l).neg().addi(1);
                off.attach(scope);
                NDArray decay = dense.get(l).mul(off).muli(wd);
                decay.attach(scope);
                try (NDArray g = targets.get(l).array().getGradient()) {
                    g.addi(decay);
                }
            }
        }
    }
}
