package dev.polymath.text.fewshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Confident, class-balanced pseudo-labels for an unlabelled pool: each pool row is a candidate only for its most
 * probable class and only when that probability reaches the threshold; each class then keeps at most its quota of
 * candidates, most confident first. A balanced quota keeps the easy, large classes from flooding the second round.
 * Deterministic: ties in probability go to the lower row.
 */
public final class PseudoLabels {
    private PseudoLabels() {}

    /** Selected pool rows and their pseudo-labels, grouped by class (classes ascending), most confident first. */
    public record Selection(int[] rows, int[] labels) {
        public int size() {
            return rows.length;
        }

        /** How many rows each of {@code classes} classes got. */
        public int[] counts(int classes) {
            int[] n = new int[classes];
            for (int c : labels) n[c]++;
            return n;
        }
    }

    /** Which of a class's candidates fill its quota. */
    public enum Pick {
        /** The most confident: nearly always right, but the most redundant with the support set. */
        TOP,
        /**
         * Evenly spaced ranks over the candidates sorted by confidence (rank {@code floor(j * n / quota)} for the j-th of
         * {@code quota} out of {@code n}), the most confident first: a spread of easy and harder texts of the class.
         */
        SPREAD;

        public static Pick parse(String s) {
            for (Pick p : values()) if (p.name().equalsIgnoreCase(s.trim())) return p;
            throw new IllegalArgumentException("unknown pseudo-label pick '" + s + "'; known: top, spread");
        }
    }

    /** {@link #select(double[][], int[], double, Pick)} with {@link Pick#TOP}. */
    public static Selection select(double[][] p, int[] quota, double threshold) {
        return select(p, quota, threshold, Pick.TOP);
    }

    /**
     * @param p         class probabilities of each pool row (rows x classes)
     * @param quota     the most rows class c may keep, {@code quota[c] >= 0}
     * @param threshold the least top probability a row needs
     * @param pick      which candidates fill a quota smaller than the candidates
     */
    public static Selection select(double[][] p, int[] quota, double threshold, Pick pick) {
        int classes = quota.length;
        var byClass = new ArrayList<List<Integer>>();
        for (int c = 0; c < classes; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < p.length; i++) {
            if (p[i].length != classes) throw new IllegalArgumentException("pool row " + i + " has " + p[i].length + " probabilities, expected " + classes);
            int c = Softmax.argmax(p[i]);
            if (p[i][c] >= threshold) byClass.get(c).add(i);
        }
        var rows = new ArrayList<Integer>();
        var labels = new ArrayList<Integer>();
        for (int c = 0; c < classes; c++) {
            if (quota[c] < 0) throw new IllegalArgumentException("quota of class " + c + " is negative: " + quota[c]);
            final int cls = c;
            var cand = byClass.get(c);
            cand.sort((a, b) -> {
                int byP = Double.compare(p[b][cls], p[a][cls]);
                return byP != 0 ? byP : Integer.compare(a, b);
            });
            int n = cand.size(), k = Math.min(quota[c], n);
            for (int j = 0; j < k; j++) {
                rows.add(cand.get(pick == Pick.TOP ? j : (int) ((long) j * n / k)));
                labels.add(c);
            }
        }
        return new Selection(rows.stream().mapToInt(Integer::intValue).toArray(), labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The same quota for each of {@code classes} classes. */
    public static int[] uniformQuota(int classes, int perClass) {
        int[] q = new int[classes];
        java.util.Arrays.fill(q, perClass);
        return q;
    }
}
