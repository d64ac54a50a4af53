package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The LASSO's Gram form for {@link ChannelPruning}'s channel choice, accumulated batch by batch so the sample never
 * has to be held whole: the solver ({@link Lasso}) only needs Z^T Z, Z^T Y and the number of entries.
 */
final class LassoGram {
    private LassoGram() {
    }

    /**
     * Adds one batch of rows to the LASSO's Gram form for one consumer: Z_i = P_i W_i^T (rows x outputs) for every
     * input channel i, where P_i are the rows' patch entries of channel i ({@code k} per channel) and W_i the
     * consumer's weights on them; gram[i][j] += sum Z_i Z_j, xty[i] += sum Z_i Y with Y = sum_i Z_i the consumer's
     * output without bias. Returns the entries added (rows x outputs), the LASSO's m.
     */
    static double contributions(NDManager manager, SampledRows rows, NDArray weight, int channels, double[][] gram,
            double[] xty) {
        if (rows.count() == 0) {
            return 0;
        }
        int n = Math.toIntExact(weight.getShape().get(0));
        int k = rows.width() / channels;
        try (NDManager scope = manager.newSubManager()) {
            NDArray p = scope.create(rows.values(), new Shape(rows.count(), channels, k)).toType(DataType.FLOAT64,
                    false);
            NDArray w = weight.toType(DataType.FLOAT64, true).reshape(n, channels, k);
            w.attach(scope);
            // (channels, rows, k) x (channels, k, n): each channel's contribution to every output
            NDArray z = p.transpose(1, 0, 2).batchMatMul(w.transpose(1, 2, 0)).reshape(channels,
                    (long) rows.count() * n);
            NDArray y = z.sum(new int[] {0}).reshape(-1, 1);
            double[] g = z.matMul(z.transpose()).toDoubleArray();
            double[] c = z.matMul(y).toDoubleArray();
            for (int i = 0; i < channels; i++) {
                for (int j = 0; j < channels; j++) {
                    gram[i][j] += g[i * channels + j];
                }
                xty[i] += c[i];
            }
        }
        return (double) rows.count() * n;
    }
}
