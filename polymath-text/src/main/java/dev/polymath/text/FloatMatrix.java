package dev.polymath.text;

import java.util.Arrays;
import java.util.List;

/**
 * A dense row-major float matrix: one embedding per row. The array is shared, not copied; treat it as
 * read-only once handed out.
 */
public record FloatMatrix(int rows, int cols, float[] data) {

    public FloatMatrix {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        if (data.length != (long) rows * cols) {
            throw new IllegalArgumentException("data has " + data.length + " values, shape " + rows + "x" + cols + " needs " + (long) rows * cols);
        }
    }

    public static FloatMatrix zeros(int rows, int cols) {
        return new FloatMatrix(rows, cols, new float[Math.multiplyExact(rows, cols)]);
    }

    public static FloatMatrix ofRows(List<float[]> rows, int cols) {
        float[] d = new float[Math.multiplyExact(rows.size(), cols)];
        for (int i = 0; i < rows.size(); i++) {
            float[] r = rows.get(i);
            if (r.length != cols) throw new IllegalArgumentException("row " + i + " has " + r.length + " values, expected " + cols);
            System.arraycopy(r, 0, d, i * cols, cols);
        }
        return new FloatMatrix(rows.size(), cols, d);
    }

    public float get(int row, int col) {
        return data[row * cols + col];
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
    }

    /** Copies row {@code i} into {@code dst} at {@code offset}. */
    public void copyRow(int i, float[] dst, int offset) {
        System.arraycopy(data, i * cols, dst, offset, cols);
    }

    public float[][] toArrays() {
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) out[i] = row(i);
        return out;
    }

    /** The rows at {@code indices}, in that order. */
    public FloatMatrix select(int[] indices) {
        float[] d = new float[Math.multiplyExact(indices.length, cols)];
        for (int k = 0; k < indices.length; k++) System.arraycopy(data, indices[k] * cols, d, k * cols, cols);
        return new FloatMatrix(indices.length, cols, d);
    }

    /** Cosine similarity of row {@code i} of this and row {@code j} of {@code other} (0 when either is zero). */
    public double cosine(int i, FloatMatrix other, int j) {
        return cosine(data, i * cols, other.data, j * other.cols, cols);
    }

    public static double cosine(float[] a, int ao, float[] b, int bo, int n) {
        double dot = 0, na = 0, nb = 0;
        for (int k = 0; k < n; k++) {
            double x = a[ao + k], y = b[bo + k];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        if (na == 0 || nb == 0) return 0;
        return dot / Math.sqrt(na * nb);
    }

    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        return cosine(a, 0, b, 0, a.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatMatrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatMatrix[" + rows + "x" + cols + "]";
    }
}
