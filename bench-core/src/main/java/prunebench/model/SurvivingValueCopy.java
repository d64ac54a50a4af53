package prunebench.model;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * The values of a {@link NarrowedNetwork}: every parameter of the source copied into the rebuilt one, keeping only
 * the rows (outputs) and input columns the {@link NarrowingPlan} names and writing zeros for its padding channels. The
 * copied values are the source's current ones (e.g. fine-tuned), so the rebuilt network computes what the masked
 * source does.
 */
final class SurvivingValueCopy {
    private SurvivingValueCopy() {}

    /**
     * Copies every parameter of {@code source} into the same-named one of {@code target}.
     *
     * @param rows per parameter name, the source rows (dimension 0) it keeps (absent: all)
     * @param cols per parameter name, the source columns (dimension 1) it keeps (absent: all)
     */
    static void copy(Network source, Network target, Map<String, int[]> rows, Map<String, int[]> cols) {
        for (Map.Entry<String, Parameter> e : target.allParameters().entrySet()) {
            Parameter from = source.allParameters().get(e.getKey());
            if (from == null) {
                throw new IllegalStateException("rebuilt network has a parameter the source lacks: " + e.getKey());
            }
            Shape shape = from.getArray().getShape();
            float[] values = from.getArray().toType(DataType.FLOAT32, false).toFloatArray();
            float[] selected = select(values, shape, rows.get(e.getKey()), cols.get(e.getKey()));
            Shape expected = e.getValue().getArray().getShape();
            if (selected.length != expected.size()) {
                throw new IllegalStateException(e.getKey() + ": " + selected.length + " surviving values for shape "
                        + expected);
            }
            e.getValue().getArray().set(selected);
        }
    }

    /**
     * The entries of a row-major tensor of {@code shape} at rows {@code rows} of dimension 0 and columns
     * {@code cols} of dimension 1 (null: all; -1: a zero row or column).
     */
    static float[] select(float[] values, Shape shape, int[] rows, int[] cols) {
        if (rows == null && cols == null) {
            return values;
        }
        int d0 = Math.toIntExact(shape.get(0));
        int d1 = shape.dimension() > 1 ? Math.toIntExact(shape.get(1)) : 1;
        int inner = values.length / d0 / d1;
        int nr = rows == null ? d0 : rows.length;
        int nc = cols == null ? d1 : cols.length;
        float[] out = new float[nr * nc * inner];
        int pos = 0;
        for (int r = 0; r < nr; r++) {
            int row = rows == null ? r : rows[r];
            for (int c = 0; c < nc; c++) {
                int col = cols == null ? c : cols[c];
                if (row >= 0 && col >= 0) {
                    System.arraycopy(values, (row * d1 + col) * inner, out, pos, inner);
                }
                pos += inner;
            }
        }
        return out;
    }
}
