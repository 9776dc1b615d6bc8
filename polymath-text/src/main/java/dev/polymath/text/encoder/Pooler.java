package dev.polymath.text.encoder;

/** Token vectors → sentence vectors, on flat row-major buffers. */
public final class Pooler {
    private Pooler() {}

    /**
     * Pools {@code hidden} of shape [batch, seq, dim] into {@code out} rows {@code outRow[b]}.
     * Mean pooling averages the positions whose {@code mask} is non-zero (sum of masked vectors divided by
     * max(mask count, 1e-9), as sentence-transformers); CLS takes position 0.
     */
    public static void pool(Pooling pooling, float[] hidden, long[] mask, int batch, int seq, int dim,
                            float[] out, int[] outRow) {
        for (int b = 0; b < batch; b++) {
            int o = outRow[b] * dim;
            int base = b * seq * dim;
            if (pooling == Pooling.CLS) {
                System.arraycopy(hidden, base, out, o, dim);
                continue;
            }
            double[] acc = new double[dim];
            long count = 0;
            for (int t = 0; t < seq; t++) {
                if (mask[b * seq + t] == 0) continue;
                count++;
                int h = base + t * dim;
                for (int d = 0; d < dim; d++) acc[d] += hidden[h + d];
            }
            double denom = Math.max(count, 1e-9);
            for (int d = 0; d < dim; d++) out[o + d] = (float) (acc[d] / denom);
        }
    }

    /** Scales {@code v[off..off+len)} to unit L2 norm (left as is when its norm is 0), as torch's normalize with eps 1e-12. */
    public static void l2Normalize(float[] v, int off, int len) {
        double ss = 0;
        for (int i = off; i < off + len; i++) ss += (double) v[i] * v[i];
        double norm = Math.max(Math.sqrt(ss), 1e-12);
        for (int i = off; i < off + len; i++) v[i] = (float) (v[i] / norm);
    }
}
