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
 * the seed.
 */
public final class AnchorPositiveSampler {
    private AnchorPositiveSampler() {}

    /** {@code steps} batches, each {@code int[b][2]} of (anchor, positive) support indices, b <= batchSize. */
    public static List<int[][]> batches(int[] labels, int batchSize, int steps, long seed) {
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
        return out;
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
