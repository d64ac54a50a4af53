package prunebench.train;

/**
 * Exact top-1 / top-5 counts, summed over examples (never averaged per batch, so a short last batch weighs what
 * it holds). Ties count against the prediction: a class whose logit equals the true class's and comes first
 * ranks above it.
 */
public final class Accuracy {
    private long examples;
    private long top1;
    private long top5;

    /** Adds a batch of logits (row-major, {@code n x classes}). */
    public void add(float[] logits, long[] labels, int classes) {
        for (int i = 0; i < labels.length; i++) {
            int label = (int) labels[i];
            float target = logits[i * classes + label];
            int rank = 0;
            for (int c = 0; c < classes; c++) {
                float v = logits[i * classes + c];
                if (v > target || (v == target && c < label) || Float.isNaN(v)) {
                    rank++;
                }
            }
            if (rank < 1) {
                top1++;
            }
            if (rank < 5) {
                top5++;
            }
        }
        examples += labels.length;
    }

    public long examples() {
        return examples;
    }

    public double top1() {
        return examples == 0 ? Double.NaN : (double) top1 / examples;
    }

    public double top5() {
        return examples == 0 ? Double.NaN : (double) top5 / examples;
    }
}
