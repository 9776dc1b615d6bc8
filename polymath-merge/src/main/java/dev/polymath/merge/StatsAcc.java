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
