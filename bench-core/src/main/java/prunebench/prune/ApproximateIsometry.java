package prunebench.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Approximate dynamical isometry for a sparse network (Lee, Ajanthan, Gould &amp; Torr, "A signal propagation
 * perspective for pruning neural networks at initialization", ICLR 2020; code namhoonlee/spp-public): after the
 * prune, the kept weights of every layer are optimised, without data, toward min over W of ||(C * W)(C * W)^T -
 * I||_F, C the layer's mask and C * W its weight flattened to one row per output unit (a filter of a convolution),
 * so that the sparse layer's rows are as near orthonormal as the mask allows. The steps are the reference's
 * ({@code spp/model.py} {@code compute_isometry}, {@code spp/approximate_isometry.py} {@code optimize}): the
 * Frobenius norm itself (not its square) summed over the layers, minimised by plain gradient descent
 * ({@code GradientDescentOptimizer}, lr {@link #LR} 0.1, constant) for {@link #STEPS} 10,000 steps; its gradient,
 * 2 A (C * W) / ||A||_F with A = (C * W)(C * W)^T - I, reaches only the kept weights (the reference's masked
 * forward weights; here the pruned ones are zero and stay zero).
 *
 * <p>Where this differs from the reference: there the weights are TensorFlow's [fan-in, out] matrices and the
 * product is W^T W; a convolution's [kh, kw, in, out] kernel flattens to [kh kw in, out]. Here they are [out, fan-in]
 * and the product W W^T: the same matrix (the order of the fan-in entries does not change it). The reference feeds
 * a training batch at every step that the objective never reads; here no data is used. It orthogonalises every
 * weight of the network, all of which its SNIP prunes; here the prune's weight tensors (with {@code
 * prune_classifier: true} the classifier too), not biases, BatchNorm parameters or layers the prune leaves dense.
 * The gradient is computed in closed form rather than by autograd (the same values up to rounding).
 */
final class ApproximateIsometry {
    /** The reference's number of steps ({@code for itr in range(10000)}). */
    static final int STEPS = 10_000;
    /** The reference's learning rate ({@code prepare_optimization('sgd', 0.1, 'constant')}). */
    static final double LR = 0.1;

    private ApproximateIsometry() {}

    /** Runs the reference's optimisation on every weight tensor under {@code masks} (already applied). */
    static void apply(MaskSet masks) {
        apply(masks, STEPS, LR);
    }

    /** {@code steps} descent steps at {@code lr} on every weight tensor (two or more dimensions) under the masks. */
    static void apply(MaskSet masks, int steps, double lr) {
        for (PruningTarget t : masks.targets()) {
            NDArray w = t.array();
            if (t.isBias() || w.getShape().dimension() < 2 || masks.kept(t.name()) == 0) {
                continue;
            }
            optimise(w, masks.get(t.name()), steps, lr);
        }
    }

    /** The steps on one tensor {@code w} (changed in place) under {@code mask}. */
    static void optimise(NDArray w, NDArray mask, int steps, double lr) {
        Shape shape = w.getShape();
        long rows = shape.get(0);
        try (NDManager outer = w.getManager().newSubManager()) {
            NDArray identity = outer.eye((int) rows).toType(w.getDataType(), false).toDevice(w.getDevice(), false);
            identity.attach(outer);
            for (int s = 0; s < steps; s++) {
                try (NDManager step = outer.newSubManager()) {
                    NDArray m = w.reshape(rows, -1);
                    m.attach(step);
                    NDArray product = m.dot(m.transpose());
                    product.attach(step);
                    NDArray a = product.sub(identity);
                    a.attach(step);
                    NDArray squares = a.square();
                    squares.attach(step);
                    NDArray total = squares.sum();
                    total.attach(step);
                    NDArray norm = total.sqrt();
                    norm.attach(step);
                    NDArray am = a.dot(m);
                    am.attach(step);
                    NDArray scaled = am.mul(2 * lr);
                    scaled.attach(step);
                    NDArray grad = scaled.div(norm);
                    grad.attach(step);
                    NDArray shaped = grad.reshape(shape);
                    shaped.attach(step);
                    NDArray masked = shaped.mul(mask);
                    masked.attach(step);
                    w.subi(masked);
                }
            }
        }
    }
}
