package dev.polymath.text.eval;

import java.util.Arrays;
import java.util.Comparator;

/** Pearson and Spearman correlation (Spearman = Pearson of ranks, ties get their average rank, as scipy). */
public final class Correlation {
    private Correlation() {}

    public static double pearson(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        if (a.length < 2) throw new IllegalArgumentException("need at least 2 values");
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
        ma /= a.length;
        mb /= b.length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i] - ma, y = b[i] - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        if (saa == 0 || sbb == 0) return Double.NaN;
        return sab / Math.sqrt(saa * sbb);
    }

    public static double spearman(double[] a, double[] b) {
        return pearson(ranks(a), ranks(b));
    }

    /** 1-based ranks, ties averaged. */
    public static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) idx[i] = i;
        Arrays.sort(idx, Comparator.comparingDouble(i -> v[i]));
        double[] r = new double[v.length];
        int i = 0;
        while (i < v.length) {
            int j = i;
            while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) j++;
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) r[idx[k]] = avg;
            i = j + 1;
        }
        return r;
    }
}
