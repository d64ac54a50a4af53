package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import prunebench.train.InPlace;

/**
 * One mask update of network surgery (the reference's {@code CCMaskCalc}): an active weight with |w| &lt;= 0.9 t is
 * pruned, an inactive one with |w| &gt; 1.1 t is spliced back.
 */
final class MaskSurgery {
    static final double PRUNE_BELOW = 0.9;
    static final double SPLICE_ABOVE = 1.1;

    private MaskSurgery() {
    }

    /** The next mask: active entries with |w| <= 0.9 t drop, inactive ones with |w| > 1.1 t come back. */
    static float[] next(float[] w, float[] mask, double t) {
        float[] out = mask.clone();
        float a = (float) (PRUNE_BELOW * Math.max(t, 0));
        float b = (float) (SPLICE_ABOVE * Math.max(t, 0));
        for (int i = 0; i < w.length; i++) {
            float m = Math.abs(w[i]);
            if (mask[i] > 0 && m <= a) {
                out[i] = 0;
            } else if (mask[i] == 0 && m > b) {
                out[i] = 1;
            }
        }
        return out;
    }

    /**
     * {@link #next} on the arrays, in libtorch (the per-step form: a Java copy of every weight at each update made
     * LeNet-5's surgery three times slower than its dense training): {@code mask} updated in place from {@code w};
     * returns the count spliced back. The thresholds are compared in float32, as the reference's Dtype does.
     */
    static long updateInPlace(NDManager scope, NDArray w, NDArray mask, double t) {
        float a = (float) (PRUNE_BELOW * Math.max(t, 0));
        float b = (float) (SPLICE_ABOVE * Math.max(t, 0));
        NDArray magnitude = scope.zeros(new Shape()).add(w).abs();
        NDArray active = mask.gt(0);
        active.attach(scope);
        NDArray drop = active.logicalAnd(magnitude.lte(a));
        NDArray splice = active.logicalNot().logicalAnd(magnitude.gt(b));
        long spliced = splice.countNonzero().getLong();
        NDArray next = scope.zeros(new Shape()).add(mask)
                .sub(drop.toType(DataType.FLOAT32, false))
                .add(splice.toType(DataType.FLOAT32, false));
        InPlace.assign(mask, next);
        return spliced;
    }
}
