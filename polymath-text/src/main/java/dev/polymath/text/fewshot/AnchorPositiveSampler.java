package dev.polymath.text.fewshot;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batches of (anchor, positive) pairs for in-batch-negative losses: the anchor and its positive share a class,
 * and no class appears twice in a batch (else one anchor's positive would be another's false negative; the role
 * of sentence-transformers' {@code NoDuplicatesDataLoader}).
 *
 * <p>Round r gives every example of a class with at least two members one pair, its positive being the class-mate
 * r places after it in a seeded cyclic order of the class, so that successive rounds pair it with different
 * class-mates. A round's pairs are shuffled and packed greedily into batches of distinct classes. Rounds repeat
 * until {@code steps} batches exist. Everything is a function of the labels, the batch size, the step count and
 * the seed (and the class similarities, when given).
 *
 * <p>With class similarities ({@link #batches(int[], int, int, long, double[][])}) a batch is built around a seed
 * class instead: the class with the most pairs left in the round (ties in a seeded random order) and then the
 * classes most similar to it that still have pairs, so that every anchor's in-batch negatives are the classes it is
 * most easily confused with (CLINC150's ten domains of fifteen intents rarely meet in a random batch of 32). The
 * pairs themselves, and so the per-round coverage, are the same as without.
 */
public final class AnchorPositiveSampler {
    private AnchorPositiveSampler() {}

    /** {@code steps} batches, each {@code int[b][2]} of (anchor, positive) support indices, b <= batchSize. */
    public static List<int[][]> batches(int[] labels, int batchSize, int steps, long seed) {
        return batches(labels, batchSize, steps, seed, null);
    }

    /**
     * As {@link #batches(int[], int, int, long)}, batches of similar classes when {@code classSimilarity} (a
     * symmetric [classes][classes] matrix, e.g. cosine of class means) is given; {@code null} = random batches.
     */
    public static List<int[][]> batches(int[] labels, int batchSize, int steps, long seed, double[][] classSimilarity) {
        if (batchSize < 2) throw new IllegalArgumentException("an in-batch-negative batch needs >= 2 pairs, got " + batchSize);
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0");
        int classes = 0;
        for (int l : labels) {
            if (l < 0) throw new IllegalArgumentException("negative label " + l);
            classes = Math.max(classes, l + 1);
        }
        var rnd = new SplittableRandom(seed);
        var members = new ArrayList<int[]>();
        int[] count = new int[classes];
        for (int l : labels) count[l]++;
        for (int c = 0; c < classes; c++) members.add(new int[count[c]]);
        int[] fill = new int[classes];
        for (int i = 0; i < labels.length; i++) members.get(labels[i])[fill[labels[i]]++] = i;
        int usable = 0;
        for (int[] m : members) {
            shuffle(m, rnd);
            if (m.length >= 2) usable++;
        }
        if (usable < 2) {
            throw new IllegalArgumentException(usable + " class(es) with 2 or more examples: in-batch negatives need two such classes");
        }
        var out = new ArrayList<int[][]>(steps);
        for (int round = 0; out.size() < steps; round++) {
            var pairs = new ArrayList<int[]>();
            for (int[] m : members) {
                if (m.length < 2) continue;
                int shift = 1 + round % (m.length - 1);
                for (int k = 0; k < m.length; k++) pairs.add(new int[] {m[k], m[(k + shift) % m.length]});
            }
            for (int i = pairs.size() - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                var t = pairs.get(i);
                pairs.set(i, pairs.get(j));
                pairs.set(j, t);
            }
            if (classSimilarity == null) packRandom(pairs, labels, batchSize, steps, out);
            else packSimilar(pairs, labels, classes, batchSize, steps, classSimilarity, rnd, out);
        }
        return out;
    }

    /** Greedy: the shuffled pairs in order, skipping a pair whose class the batch has already. */
    private static void packRandom(List<int[]> pairs, int[] labels, int batchSize, int steps, List<int[][]> out) {
        var pending = new LinkedList<>(pairs);
        while (!pending.isEmpty() && out.size() < steps) {
            var batch = new ArrayList<int[]>(batchSize);
            var used = new java.util.HashSet<Integer>();
            for (var it = pending.iterator(); it.hasNext() && batch.size() < batchSize; ) {
                int[] p = it.next();
                if (used.add(labels[p[0]])) {
                    batch.add(p);
                    it.remove();
                }
            }
            if (batch.size() < 2) break; // only one class left in this round: start the next round
            out.add(batch.toArray(new int[0][]));
        }
    }

    /** Around a seed class (most pairs left; ties by a seeded order), its most similar classes with pairs left. */
    private static void packSimilar(List<int[]> pairs, int[] labels, int classes, int batchSize, int steps, double[][] sim,
                                    SplittableRandom rnd, List<int[][]> out) {
        if (sim.length != classes) throw new IllegalArgumentException("class similarity has " + sim.length + " rows for " + classes + " classes");
        var left = new ArrayList<LinkedList<int[]>>();
        for (int c = 0; c < classes; c++) left.add(new LinkedList<>());
        for (int[] p : pairs) left.get(labels[p[0]]).add(p);
        int[] tie = new int[classes];
        for (int c = 0; c < classes; c++) tie[c] = c;
        shuffle(tie, rnd);
        int[] rank = new int[classes];
        for (int i = 0; i < classes; i++) rank[tie[i]] = i;
        while (out.size() < steps) {
            int seedClass = -1;
            for (int c = 0; c < classes; c++) {
                int n = left.get(c).size();
                if (n > 0 && (seedClass < 0 || n > left.get(seedClass).size() || (n == left.get(seedClass).size() && rank[c] < rank[seedClass]))) seedClass = c;
            }
            if (seedClass < 0) break;
            final int s0 = seedClass;
            var others = new ArrayList<Integer>();
            for (int c = 0; c < classes; c++) if (c != s0 && !left.get(c).isEmpty()) others.add(c);
            if (others.isEmpty()) break; // only one class left in this round: start the next round
            if (sim[s0].length != classes) throw new IllegalArgumentException("class similarity row " + s0 + " has " + sim[s0].length + " columns for " + classes + " classes");
            others.sort((a, b) -> {
                int cmp = Double.compare(sim[s0][b], sim[s0][a]);
                return cmp != 0 ? cmp : Integer.compare(rank[a], rank[b]);
            });
            var batch = new ArrayList<int[]>(batchSize);
            batch.add(left.get(s0).removeFirst());
            for (int j = 0; j < others.size() && batch.size() < batchSize; j++) batch.add(left.get(others.get(j)).removeFirst());
            out.add(batch.toArray(new int[0][]));
        }
    }

    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
