package prunebench.strategies.structured;

/**
 * Rows of one layer's input for one batch: the patch its output position reads (for a Linear layer the input
 * itself), {@code width} = the layer's fan-in entries, in the order of its weight's flattened inputs. Its own type so
 * the sampler, the LASSO's Gram form and the reconstruction share one layout.
 */
record SampledRows(float[] values, int count, int width) {
    /** The rows restricted to the kept columns, row-major (count x cols). */
    float[] columns(boolean[] kept, int cols) {
        float[] out = new float[count * cols];
        for (int r = 0; r < count; r++) {
            int j = 0;
            for (int i = 0; i < width; i++) {
                if (kept[i]) {
                    out[r * cols + j++] = values[r * width + i];
                }
            }
        }
        return out;
    }
}
