package dev.polymath.nn.mtl.weighting;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-epoch mean training loss of each task, built from the step losses a method sees (LibMTL's
 * {@code train_loss_buffer}, the epoch average of the batch losses).
 */
final class EpochLossAverages {
    private final Map<Integer, double[]> sums = new HashMap<>();
    private final Map<Integer, Integer> counts = new HashMap<>();

    void add(int epoch, double[] losses) {
        double[] s = sums.computeIfAbsent(epoch, e -> new double[losses.length]);
        for (int i = 0; i < losses.length; i++) s[i] += losses[i];
        counts.merge(epoch, 1, Integer::sum);
    }

    /** Mean losses of {@code epoch}, or null if no step of that epoch was seen. */
    double[] mean(int epoch) {
        double[] s = sums.get(epoch);
        if (s == null) return null;
        int c = counts.get(epoch);
        double[] m = new double[s.length];
        for (int i = 0; i < s.length; i++) m[i] = s[i] / c;
        return m;
    }

    void clear() {
        sums.clear();
        counts.clear();
    }
}
