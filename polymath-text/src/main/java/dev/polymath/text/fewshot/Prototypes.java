package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;

/** Class prototypes as unit vectors, and cosine scores against them. */
final class Prototypes {
    private Prototypes() {}

    /** Mean of each class's rows, L2-normalized; a class without rows gets a zero prototype. */
    static float[][] means(FloatMatrix x, int[] labels, int classes) {
        int d = x.cols();
        double[][] sum = new double[classes][d];
        for (int i = 0; i < labels.length; i++) {
            float[] data = x.data();
            int off = i * d;
            double[] s = sum[labels[i]];
            for (int j = 0; j < d; j++) s[j] += data[off + j];
        }
        float[][] out = new float[classes][];
        for (int c = 0; c < classes; c++) out[c] = unit(sum[c]);
        return out;
    }

    static float[] unit(double[] v) {
        double n = 0;
        for (double x : v) n += x * x;
        n = Math.sqrt(n);
        float[] out = new float[v.length];
        if (n == 0) return out;
        for (int j = 0; j < v.length; j++) out[j] = (float) (v[j] / n);
        return out;
    }

    /** Cosine of row {@code i} of {@code q} with every prototype (prototypes are unit vectors). */
    static double[] cosines(FloatMatrix q, int i, float[][] protos) {
        int d = q.cols();
        float[] data = q.data();
        int off = i * d;
        double qn = 0;
        for (int j = 0; j < d; j++) qn += (double) data[off + j] * data[off + j];
        qn = qn == 0 ? 1 : Math.sqrt(qn);
        double[] out = new double[protos.length];
        for (int c = 0; c < protos.length; c++) {
            float[] p = protos[c];
            double dot = 0;
            for (int j = 0; j < d; j++) dot += (double) data[off + j] * p[j];
            out[c] = dot / qn;
        }
        return out;
    }

    static FittedHead.Tensor tensor(float[][] protos) {
        int k = protos.length, d = k == 0 ? 0 : protos[0].length;
        float[] flat = new float[k * d];
        for (int c = 0; c < k; c++) System.arraycopy(protos[c], 0, flat, c * d, d);
        return new FittedHead.Tensor(new long[] {k, d}, flat);
    }

    static float[][] fromTensor(FittedHead.Tensor t) {
        int k = (int) t.shape()[0], d = (int) t.shape()[1];
        float[][] out = new float[k][d];
        for (int c = 0; c < k; c++) System.arraycopy(t.values(), c * d, out[c], 0, d);
        return out;
    }
}
