package prunebench.train;

import ai.djl.ndarray.NDArray;

/** Mean softmax cross-entropy of logits (N, classes) against integer labels (N), as torch's F.cross_entropy. */
public final class CrossEntropy {
    private CrossEntropy() {}

    public static NDArray loss(NDArray logits, NDArray labels) {
        return logits.logSoftmax(1).gather(labels.reshape(-1, 1), 1).neg().mean();
    }

    /** Cross-entropy of logits divided by a temperature (GraSP uses T = 200). */
    public static NDArray loss(NDArray logits, NDArray labels, double temperature) {
        // the constant on the logits' scope: DJL's div(Number) frees it before the backward pass (GraphScalars)
        return loss(GraphScalars.over(logits.getManager(), logits, temperature), labels);
    }
}
