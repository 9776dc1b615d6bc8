package dev.polymath.nn.meta.icl;

import dev.polymath.core.util.Seeds;

import java.util.SplittableRandom;

/**
 * A hand-written in-context learner for reference: at position t it predicts the label whose mean over the
 * examples 0..t-1 of the sequence is nearest (Euclidean) to x_t, among the labels seen so far (none seen:
 * label 0). It is scored on exactly the sequences {@link IclTrainer#evaluate} draws for the same arguments.
 */
public final class NearestMeanBaseline {
    private NearestMeanBaseline() {}

    public static IclTrainer.Evaluation evaluate(ProjectedTasks tasks, long firstTask, long taskCount, int sequences, int length, long seed) {
        int D = tasks.inputDim(), W = tasks.ways(), lateFrom = length * 3 / 4;
        double[] correct = new double[length];
        double[] late = new double[sequences];
        SplittableRandom rng = Seeds.stream(seed, "gpicl/eval");
        float[][] rows = tasks.source().rows();
        for (int j = 0; j < sequences; j++) {
            ProjectedTasks.Sequence s = tasks.sequence(tasks.task(firstTask + j % taskCount), length, rng);
            float[] a = tasks.projection(s.task());
            double[][] sum = new double[W][D];
            int[] count = new int[W];
            int lateHits = 0;
            for (int t = 0; t < length; t++) {
                float[] z = project(rows[s.rows()[t]], a, D);
                int best = 0;
                double bestDist = Double.POSITIVE_INFINITY;
                for (int c = 0; c < W; c++) {
                    if (count[c] == 0) continue;
                    double d = 0;
                    for (int k = 0; k < D; k++) {
                        double diff = z[k] - sum[c][k] / count[c];
                        d += diff * diff;
                    }
                    if (d < bestDist) { bestDist = d; best = c; }
                }
                int y = s.labels()[t];
                if (best == y) {
                    correct[t]++;
                    if (t >= lateFrom) lateHits++;
                }
                for (int k = 0; k < D; k++) sum[y][k] += z[k];
                count[y]++;
            }
            late[j] = lateHits / (double) (length - lateFrom);
        }
        for (int t = 0; t < length; t++) correct[t] /= sequences;
        return new IclTrainer.Evaluation(correct, Double.NaN, late, lateFrom);
    }

    private static float[] project(float[] row, float[] a, int D) {
        float[] out = new float[D];
        for (int i = 0; i < row.length; i++) {
            float xi = row[i];
            if (xi == 0) continue;
            int o = i * D;
            for (int k = 0; k < D; k++) out[k] += xi * a[o + k];
        }
        return out;
    }
}
