package dev.polymath.core.sample;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Stratified random orders: a permutation of {@code 0..n-1} in which every class is spread evenly, so that
 * any prefix (a batch, a held-out fraction) holds each class in about its overall proportion (within one
 * example). Each class's members are shuffled, member {@code j} of a class of size {@code m} gets the key
 * {@code (j + u) / m} with a random phase {@code u} per class, and the keys are sorted (ties in random order).
 */
final class Stratify {
    private Stratify() {}

    static int[] order(int[] classOf, SplittableRandom rng) {
        int n = classOf.length;
        int classes = 0;
        for (int c : classOf) {
            if (c < 0) throw new IllegalArgumentException("class index must be >= 0, got " + c);
            classes = Math.max(classes, c + 1);
        }
        int[][] members = membersByClass(classOf, classes);
        double[] key = new double[n];
        for (int c = 0; c < classes; c++) {
            int[] m = members[c];
            if (m.length == 0) continue;
            dev.polymath.core.util.Seeds.shuffle(m, rng);
            double phase = rng.nextDouble();
            for (int j = 0; j < m.length; j++) key[m[j]] = (j + phase) / m.length;
        }
        // random tie-break: sort a shuffled index list by key (stable sort keeps the shuffled order on ties)
        Integer[] idx = new Integer[n];
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        dev.polymath.core.util.Seeds.shuffle(perm, rng);
        for (int i = 0; i < n; i++) idx[i] = perm[i];
        Arrays.sort(idx, (a, b) -> Double.compare(key[a], key[b]));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = idx[i];
        return out;
    }

    /** Indices of each class, in index order. */
    static int[][] membersByClass(int[] classOf, int classes) {
        int[] counts = new int[classes];
        for (int c : classOf) counts[c]++;
        int[][] members = new int[classes][];
        for (int c = 0; c < classes; c++) members[c] = new int[counts[c]];
        int[] fill = new int[classes];
        for (int i = 0; i < classOf.length; i++) members[classOf[i]][fill[classOf[i]]++] = i;
        return members;
    }
}
