package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Least squares {@code min ||X W + 1 b - Y||^2} over W (and the intercept b) by the normal equations, accumulated
 * batch by batch in float64 with DJL: {@code X^T X} and {@code X^T Y} grow with every batch of rows, and
 * {@link #solve} inverts {@code X^T X + ridge * mean(diag) * I} (the ridge not on the intercept). This is the
 * reconstruction step of channel pruning (the authors' code: scikit-learn's {@code LinearRegression}, which fits an
 * intercept, on the kept input channels' patches against the original layer's output); DJL 0.36 has no lstsq, and
 * a relative ridge of 1e-6 keeps the system solvable when a kept channel is always zero (a dead ReLU).
 */
final class NormalEquations {
    private final int cols;
    private final int outputs;
    private final boolean intercept;
    private final double[] xtx;
    private final double[] xty;
    private long rows;

    /** {@code cols} inputs per row, {@code outputs} targets per row, with an intercept column if asked. */
    NormalEquations(int cols, int outputs, boolean intercept) {
        this.cols = cols;
        this.outputs = outputs;
        this.intercept = intercept;
        int d = cols + (intercept ? 1 : 0);
        this.xtx = new double[d * d];
        this.xty = new double[d * outputs];
    }

    /** Adds {@code count} rows: x row-major (count x cols), y row-major (count x outputs). */
    void add(NDManager manager, float[] x, double[] y, int count) {
        if (count == 0) {
            return;
        }
        int d = cols + (intercept ? 1 : 0);
        double[] rowsX = new double[count * d];
        for (int r = 0; r < count; r++) {
            for (int c = 0; c < cols; c++) {
                rowsX[r * d + c] = x[r * cols + c];
            }
            if (intercept) {
                rowsX[r * d + cols] = 1;
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = scope.create(rowsX, new Shape(count, d));
            NDArray b = scope.create(y, new Shape(count, outputs));
            NDArray at = a.transpose();
            double[] g = at.matMul(a).toDoubleArray();
            double[] h = at.matMul(b).toDoubleArray();
            for (int i = 0; i < g.length; i++) {
                xtx[i] += g[i];
            }
            for (int i = 0; i < h.length; i++) {
                xty[i] += h[i];
            }
        }
        rows += count;
    }

    long rows() {
        return rows;
    }

    /**
     * The solution, (cols [+ 1]) x outputs row-major: row c the weights of input c, the last row the intercept when
     * there is one; null when no row was added or every input is always zero.
     */
    double[] solve(NDManager manager, double ridge) {
        int d = cols + (intercept ? 1 : 0);
        double mean = 0;
        for (int c = 0; c < cols; c++) {
            mean += xtx[c * d + c];
        }
        mean /= Math.max(cols, 1);
        if (rows == 0 || mean == 0) {
            return null;
        }
        double[] a = xtx.clone();
        for (int c = 0; c < cols; c++) {
            a[c * d + c] += ridge * mean;
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray inv = scope.create(a, new Shape(d, d)).inverse();
            return inv.matMul(scope.create(xty, new Shape(d, outputs))).toType(DataType.FLOAT64, false)
                    .toDoubleArray();
        }
    }
}
