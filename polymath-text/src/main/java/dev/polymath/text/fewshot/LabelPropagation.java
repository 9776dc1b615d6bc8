package dev.polymath.text.fewshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.polymath.nn.Engines;
import dev.polymath.text.FloatMatrix;

/**
 * Label spreading (Zhou et al. 2004, "Learning with local and global consistency") over a k-nearest-neighbour graph of
 * embeddings: every node starts from a prior class distribution {@code Y} and repeatedly takes its neighbours' weighted
 * average, {@code F <- alpha S F + (1 - alpha) Y} with {@code S = D^-1/2 W D^-1/2}. A teacher's labels of an unlabelled
 * pool so borrow from the texts around each one, and a mistake among rightly labelled neighbours is outvoted. Edges join
 * each node to its {@code neighbours} most similar others with weight {@code max(0, cos)^3}, symmetrized (the graph of
 * Iscen et al. 2019, "Label propagation for deep semi-supervised learning").
 *
 * @param neighbours k of the graph; 0 = off
 * @param alpha      the share of a node's distribution that comes from its neighbours, in [0, 1)
 * @param iterations updates of F (the labels settle long before F converges at alpha near 1)
 */
public record LabelPropagation(int neighbours, double alpha, int iterations) {
    public static final LabelPropagation OFF = new LabelPropagation(0, 0, 0);
    /** Updates {@link #of} runs: on CLINC150's pool (k = 10, alpha = 0.99) 30, 60 and 1,000 give the same labels within 0.05%. */
    public static final int ITERATIONS = 60;
    private static final int POWER = 3;
    private static final int BLOCK = 1024;

    public LabelPropagation {
        if (neighbours < 0) throw new IllegalArgumentException("label propagation neighbours must be >= 0 (0 = off), got " + neighbours);
        if (neighbours > 0 && !(alpha >= 0 && alpha < 1)) throw new IllegalArgumentException("label propagation alpha must be in [0, 1), got " + alpha);
        if (neighbours > 0 && iterations < 1) throw new IllegalArgumentException("label propagation iterations must be >= 1, got " + iterations);
    }

    public static LabelPropagation of(int neighbours, double alpha) {
        return neighbours == 0 ? OFF : new LabelPropagation(neighbours, alpha, ITERATIONS);
    }

    public boolean on() {
        return neighbours > 0;
    }

    /**
     * The spread class distributions of {@code x}'s rows (unit vectors), each summing to 1; {@code prior} gives each row's
     * starting distribution (non-negative, not all zero). Off, or with fewer than two rows, the prior normalized.
     */
    public double[][] spread(FloatMatrix x, double[][] prior) {
        int n = x.rows();
        if (prior.length != n) throw new IllegalArgumentException("label propagation: " + n + " embeddings but " + prior.length + " prior rows");
        int classes = n == 0 ? 0 : prior[0].length;
        for (int i = 0; i < n; i++) {
            if (prior[i].length != classes) throw new IllegalArgumentException("label propagation: prior row " + i + " has " + prior[i].length + " classes, row 0 has " + classes);
            double sum = 0;
            for (double v : prior[i]) {
                if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("label propagation: prior row " + i + " has " + v + "; probabilities must be finite and >= 0");
                sum += v;
            }
            if (sum == 0) throw new IllegalArgumentException("label propagation: prior row " + i + " is all zero");
        }
        int k = Math.min(neighbours, n - 1);
        // F and Y flat, row-major: the update is a sparse-times-dense product whose inner loop runs over contiguous classes
        double[] y = new double[n * classes];
        for (int i = 0; i < n; i++) System.arraycopy(prior[i], 0, y, i * classes, classes);
        double[] f = y.clone();
        if (k >= 1 && alpha > 0) {
            var s = Graph.of(x, k);
            double[] next = new double[f.length];
            for (int t = 0; t < iterations; t++) {
                for (int i = 0; i < n; i++) {
                    int o = i * classes;
                    java.util.Arrays.fill(next, o, o + classes, 0);
                    for (int e = s.start[i]; e < s.start[i + 1]; e++) {
                        double w = alpha * s.weight[e];
                        int from = s.column[e] * classes;
                        for (int c = 0; c < classes; c++) next[o + c] += w * f[from + c];
                    }
                    for (int c = 0; c < classes; c++) next[o + c] += (1 - alpha) * y[o + c];
                }
                double[] swap = f;
                f = next;
                next = swap;
            }
        }
        double[][] out = new double[n][classes];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += f[i * classes + c];
            for (int c = 0; c < classes; c++) out[i][c] = f[i * classes + c] / sum;
        }
        return out;
    }

    /** {@code S = D^-1/2 W D^-1/2} in compressed rows; W's edges are each row's k nearest others, symmetrized (W + W^T). */
    record Graph(int[] start, int[] column, double[] weight) {
        static Graph of(FloatMatrix x, int k) {
            int n = x.rows();
            int[][] near = new int[n][];
            double[][] cos = new double[n][];
            nearest(x, k, near, cos);
            // W + W^T: each directed edge (i, j, w) stored at i and at j; a mutual pair's two entries add up
            int[] count = new int[n + 1];
            for (int i = 0; i < n; i++) {
                for (int j : near[i]) {
                    count[i + 1]++;
                    count[j + 1]++;
                }
            }
            for (int i = 0; i < n; i++) count[i + 1] += count[i];
            int[] start = count.clone(), fill = count.clone();
            int[] column = new int[start[n]];
            double[] weight = new double[start[n]];
            double[] degree = new double[n];
            for (int i = 0; i < n; i++) {
                for (int m = 0; m < near[i].length; m++) {
                    int j = near[i][m];
                    double w = Math.pow(Math.max(0, cos[i][m]), POWER);
                    column[fill[i]] = j;
                    weight[fill[i]++] = w;
                    column[fill[j]] = i;
                    weight[fill[j]++] = w;
                    degree[i] += w;
                    degree[j] += w;
                }
            }
            for (int i = 0; i < n; i++) {
                for (int e = start[i]; e < start[i + 1]; e++) {
                    double d = degree[i] * degree[column[e]];
                    weight[e] = d > 0 ? weight[e] / Math.sqrt(d) : 0;
                }
            }
            return new Graph(start, column, weight);
        }

        /** Each row's {@code k} most similar other rows and their cosines, exactly (similarities in blocks on PyTorch). */
        private static void nearest(FloatMatrix x, int k, int[][] near, double[][] cos) {
            int n = x.rows();
            try (NDManager m = Engines.pytorch().newBaseManager()) {
                NDArray all = m.create(x.data(), new Shape(n, x.cols()));
                NDArray allT = all.transpose();
                for (int from = 0; from < n; from += BLOCK) {
                    int to = Math.min(n, from + BLOCK);
                    try (NDManager scope = m.newSubManager()) {
                        NDArray block = all.get(from + ":" + to);
                        block.attach(scope);
                        NDArray sim = block.matMul(allT);
                        sim.attach(scope);
                        var top = sim.topK(k + 1, 1, true, true);
                        top.attach(scope);
                        float[] v = top.get(0).toFloatArray();
                        long[] idx = top.get(1).toLongArray();
                        for (int i = from; i < to; i++) {
                            int r = (i - from) * (k + 1);
                            near[i] = new int[k];
                            cos[i] = new double[k];
                            int taken = 0;
                            // itself is (nearly always) the first; a duplicate text may outrank it, so skip by index
                            for (int m2 = 0; m2 <= k && taken < k; m2++) {
                                if (idx[r + m2] == i) continue;
                                near[i][taken] = (int) idx[r + m2];
                                cos[i][taken++] = v[r + m2];
                            }
                        }
                    }
                }
            }
        }
    }
}
