package dev.polymath.nn.mtl.weighting;

/**
 * Dense helpers over T x P gradient matrices: Gram matrix, linear combination, batch reduction. Everything
 * accumulates in double; nothing is allocated per element.
 */
public final class GradMath {
    private GradMath() {}

    /** The T x T Gram matrix {@code G[i][j] = g_i . g_j} (double accumulation, one pass per pair). */
    public static double[][] gram(float[][] g) {
        int t = g.length;
        double[][] gram = new double[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = i; j < t; j++) {
                double d = dot(g[i], g[j]);
                gram[i][j] = d;
                gram[j][i] = d;
            }
        }
        return gram;
    }

    /** Dot product with four independent double accumulators. */
    public static double dot(float[] a, float[] b) {
        int n = a.length;
        if (b.length != n) throw new IllegalArgumentException("length mismatch " + n + " vs " + b.length);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += (double) a[i] * b[i];
            s1 += (double) a[i + 1] * b[i + 1];
            s2 += (double) a[i + 2] * b[i + 2];
            s3 += (double) a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) s0 += (double) a[i] * b[i];
        return (s0 + s1) + (s2 + s3);
    }

    /** Dot product of {@code a[from, to)} and {@code b[from, to)}. */
    public static double dot(float[] a, float[] b, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += (double) a[i] * b[i];
        return s;
    }

    public static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** {@code sum_t c[t] * g[t]} as a new vector. */
    public static float[] combine(float[][] g, double[] c) {
        float[] out = new float[g[0].length];
        combineInto(g, c, out, 0, out.length);
        return out;
    }

    /** Writes {@code sum_t c[t] * g[t][p]} into {@code out[p]} for p in [from, to). */
    public static void combineInto(float[][] g, double[] c, float[] out, int from, int to) {
        int t = g.length;
        // blocks keep the double partial sums in cache while streaming each task row once
        final int block = 4096;
        double[] acc = new double[Math.min(block, Math.max(0, to - from))];
        for (int start = from; start < to; start += block) {
            int end = Math.min(to, start + block);
            java.util.Arrays.fill(acc, 0, end - start, 0.0);
            for (int k = 0; k < t; k++) {
                double ck = c[k];
                if (ck == 0) continue;
                float[] row = g[k];
                for (int p = start; p < end; p++) acc[p - start] += ck * row[p];
            }
            for (int p = start; p < end; p++) out[p] = (float) acc[p - start];
        }
    }

    /** Rows of {@code batch x width} (sample-major) summed over the batch: T x width. */
    public static float[][] sumOverBatch(float[][] g, int batch) {
        int t = g.length;
        int len = g[0].length;
        if (len % batch != 0) {
            throw new IllegalArgumentException("gradient row length " + len + " is not a multiple of batch " + batch);
        }
        int width = len / batch;
        float[][] out = new float[t][width];
        double[] acc = new double[width];
        for (int k = 0; k < t; k++) {
            java.util.Arrays.fill(acc, 0.0);
            float[] row = g[k];
            for (int b = 0; b < batch; b++) {
                int off = b * width;
                for (int w = 0; w < width; w++) acc[w] += row[off + w];
            }
            for (int w = 0; w < width; w++) out[k][w] = (float) acc[w];
        }
        return out;
    }

    /** {@code sum_ij a_i G_ij b_j}. */
    public static double quad(double[] a, double[][] gram, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == 0) continue;
            double r = 0;
            for (int j = 0; j < b.length; j++) r += gram[i][j] * b[j];
            s += a[i] * r;
        }
        return s;
    }

    /** {@code G a}. */
    public static double[] mul(double[][] gram, double[] a) {
        int n = a.length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += gram[i][j] * a[j];
            out[i] = s;
        }
        return out;
    }

    static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
