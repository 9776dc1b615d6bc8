package dev.polymath.nn.meta.icl;

import java.util.Arrays;
import java.util.List;

/**
 * Examples an in-context task generator draws from: {@code rows[i]} (one feature vector each, all the same
 * width) has class {@code classes[i]} in {@code 0 .. classNames.size()-1}.
 */
public record IclSource(String name, float[][] rows, int[] classes, List<String> classNames) {
    public IclSource {
        if (rows.length == 0) throw new IllegalArgumentException(name + ": no rows");
        if (rows.length != classes.length) throw new IllegalArgumentException(name + ": " + rows.length + " rows but " + classes.length + " classes");
        int w = rows[0].length;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != w) throw new IllegalArgumentException(name + ": row " + i + " has " + rows[i].length + " features, row 0 has " + w);
            if (classes[i] < 0 || classes[i] >= classNames.size()) {
                throw new IllegalArgumentException(name + ": row " + i + " has class " + classes[i] + ", outside 0.." + (classNames.size() - 1));
            }
        }
        classNames = List.copyOf(classNames);
    }

    public int width() {
        return rows[0].length;
    }

    /** Row indices of each class. */
    public int[][] rowsByClass() {
        int[] count = new int[classNames.size()];
        for (int c : classes) count[c]++;
        int[][] out = new int[count.length][];
        for (int c = 0; c < count.length; c++) out[c] = new int[count[c]];
        Arrays.fill(count, 0);
        for (int i = 0; i < classes.length; i++) out[classes[i]][count[classes[i]]++] = i;
        return out;
    }

    /**
     * Per-feature means and one global scale: the root mean square of the centred values, used for every
     * feature (a per-feature scale would blow up near-constant pixels such as Fashion-MNIST's borders).
     */
    public static float[][] moments(float[][] rows) {
        int w = rows[0].length;
        double[] sum = new double[w];
        for (float[] r : rows) for (int j = 0; j < w; j++) sum[j] += r[j];
        float[] mean = new float[w];
        for (int j = 0; j < w; j++) mean[j] = (float) (sum[j] / rows.length);
        double sq = 0;
        for (float[] r : rows) for (int j = 0; j < w; j++) { double d = r[j] - mean[j]; sq += d * d; }
        float scale = (float) Math.max(1e-6, Math.sqrt(sq / ((double) rows.length * w)));
        float[] std = new float[w];
        java.util.Arrays.fill(std, scale);
        return new float[][] {mean, std};
    }

    /** {@code (row - mean) / std} per feature, in place; returns {@code rows}. */
    public static float[][] standardize(float[][] rows, float[][] moments) {
        float[] mean = moments[0], std = moments[1];
        for (float[] r : rows) for (int j = 0; j < r.length; j++) r[j] = (r[j] - mean[j]) / std[j];
        return rows;
    }
}
