package dev.polymath.core.metric;

import java.util.Arrays;
import java.util.Comparator;

/** Ranking helpers shared by Spearman and ROC AUC. */
final class Ranks {
    private Ranks() {}

    /**
     * 1-based ranks in ascending order of value; tied values all get the average of the ranks they span
     * ("fractional" ranking, e.g. {@code [10, 20, 20, 30]} → {@code [1, 2.5, 2.5, 4]}).
     */
    static double[] average(double[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]]) j++;
            double avg = (i + j) / 2.0 + 1.0; // ranks i+1 .. j+1
            for (int k = i; k <= j; k++) ranks[order[k]] = avg;
            i = j + 1;
        }
        return ranks;
    }
}
