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

    /** Flattened: {@code epochs}, {@code counts}, and {@code sums} (epochs x tasks, in epoch order). */
    void saveTo(java.util.Map<String, double[]> state, String prefix) {
        int[] epochs = sums.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        int width = epochs.length == 0 ? 0 : sums.get(epochs[0]).length;
        double[] e = new double[epochs.length], c = new double[epochs.length], s = new double[epochs.length * width];
        for (int i = 0; i < epochs.length; i++) {
            e[i] = epochs[i];
            c[i] = counts.get(epochs[i]);
            System.arraycopy(sums.get(epochs[i]), 0, s, i * width, width);
        }
        state.put(prefix + "epochs", e);
        state.put(prefix + "counts", c);
        state.put(prefix + "sums", s);
    }

    void restoreFrom(String method, java.util.Map<String, double[]> state, String prefix) {
        clear();
        double[] e = WeightingState.get(method, state, prefix + "epochs", -1);
        double[] c = WeightingState.get(method, state, prefix + "counts", e.length);
        double[] s = WeightingState.get(method, state, prefix + "sums", -1);
        if (e.length == 0) return;
        int width = s.length / e.length;
        for (int i = 0; i < e.length; i++) {
            sums.put((int) e[i], java.util.Arrays.copyOfRange(s, i * width, (i + 1) * width));
            counts.put((int) e[i], (int) c[i]);
        }
    }

    void clear() {
        sums.clear();
        counts.clear();
    }
}
