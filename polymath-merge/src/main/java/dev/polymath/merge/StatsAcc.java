package dev.polymath.merge;

/**
 * Per-chunk statistics, combined in chunk order: task-vector squared norms and pairwise dot products
 * (d_i = model_i - base), non-zeros kept after sparsification, and sign conflicts (elements where a kept,
 * non-zero delta disagrees with the elected sign).
 */
public final class StatsAcc {
    public final int m;
    public final double[] sq;
    public final double[] dot;      // m x m, upper triangle used
    public final long[] kept;
    public long conflicts;
    public long count;
    public boolean hasTaskVectors;
    public boolean hasSparsity;
    public boolean hasConsensus;

    public StatsAcc(int m) {
        this.m = m;
        sq = new double[m];
        dot = new double[m * m];
        kept = new long[m];
    }

    /** Adds the task-vector figures of one element. */
    public void addDeltas(float[] d) {
        for (int i = 0; i < m; i++) {
            double di = d[i];
            sq[i] += di * di;
            for (int k = i + 1; k < m; k++) dot[i * m + k] += di * d[k];
        }
    }

    /**
     * Adds the task-vector figures of elements {@code 0..n-1} of {@code d[i]} (model i): the same sums, in
     * the same order per accumulator, as {@link #addDeltas} element by element, with the accumulators kept
     * in registers for up to four models.
     */
    public void addDeltaBlock(float[][] d, int n) {
        switch (m) {
            case 1 -> {
                float[] a = d[0];
                double s0 = sq[0];
                for (int j = 0; j < n; j++) { double x = a[j]; s0 += x * x; }
                sq[0] = s0;
            }
            case 2 -> {
                float[] a = d[0], b = d[1];
                double s0 = sq[0], s1 = sq[1], p01 = dot[1];
                for (int j = 0; j < n; j++) {
                    double x = a[j], y = b[j];
                    s0 += x * x; p01 += x * y;
                    s1 += y * y;
                }
                sq[0] = s0; sq[1] = s1; dot[1] = p01;
            }
            case 3 -> {
                float[] a = d[0], b = d[1], c = d[2];
                double s0 = sq[0], s1 = sq[1], s2 = sq[2], p01 = dot[1], p02 = dot[2], p12 = dot[5];
                for (int j = 0; j < n; j++) {
                    double x = a[j], y = b[j], z = c[j];
                    s0 += x * x; p01 += x * y; p02 += x * z;
                    s1 += y * y; p12 += y * z;
                    s2 += z * z;
                }
                sq[0] = s0; sq[1] = s1; sq[2] = s2; dot[1] = p01; dot[2] = p02; dot[5] = p12;
            }
            case 4 -> {
                float[] a = d[0], b = d[1], c = d[2], e = d[3];
                double s0 = sq[0], s1 = sq[1], s2 = sq[2], s3 = sq[3];
                double p01 = dot[1], p02 = dot[2], p03 = dot[3], p12 = dot[6], p13 = dot[7], p23 = dot[11];
                for (int j = 0; j < n; j++) {
                    double x = a[j], y = b[j], z = c[j], u = e[j];
                    s0 += x * x; p01 += x * y; p02 += x * z; p03 += x * u;
                    s1 += y * y; p12 += y * z; p13 += y * u;
                    s2 += z * z; p23 += z * u;
                    s3 += u * u;
                }
                sq[0] = s0; sq[1] = s1; sq[2] = s2; sq[3] = s3;
                dot[1] = p01; dot[2] = p02; dot[3] = p03; dot[6] = p12; dot[7] = p13; dot[11] = p23;
            }
            default -> {
                for (int i = 0; i < m; i++) {
                    float[] a = d[i];
                    double s = sq[i];
                    for (int j = 0; j < n; j++) { double x = a[j]; s += x * x; }
                    sq[i] = s;
                    for (int k = i + 1; k < m; k++) {
                        float[] b = d[k];
                        double p = dot[i * m + k];
                        for (int j = 0; j < n; j++) p += (double) a[j] * b[j];
                        dot[i * m + k] = p;
                    }
                }
            }
        }
    }

    public void add(StatsAcc o) {
        for (int i = 0; i < m; i++) { sq[i] += o.sq[i]; kept[i] += o.kept[i]; }
        for (int i = 0; i < dot.length; i++) dot[i] += o.dot[i];
        conflicts += o.conflicts;
        count += o.count;
        hasTaskVectors |= o.hasTaskVectors;
        hasSparsity |= o.hasSparsity;
        hasConsensus |= o.hasConsensus;
    }
}
