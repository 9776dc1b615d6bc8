package dev.polymath.text.fewshot;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * SetFit's training pairs from a labelled support set: positives (two examples of one class, target 1) and
 * negatives (examples of two different classes, target 0), in equal numbers.
 *
 * <p>Pairs are unordered and distinct, never an example with itself. Sampling goes round by round over the
 * examples (in a seeded order): each round gives every example one new positive partner (its least-used
 * class-mate, ties in a seeded order) and one new negative partner (the least-used of a few drawn uniformly from
 * the other classes), so that every example and every class takes part about equally. It stops at {@code maxPairs} (rounded down to an even
 * number) or when no example has a class-mate left to pair with; the count of negatives always equals the count
 * of positives. Everything is a function of the labels, {@code maxPairs} and the seed.
 */
public final class PairSampler {
    private PairSampler() {}

    /** One training pair: indices into the support set, {@code first < second}, target 1 (same class) or 0. */
    public record Pair(int first, int second, float target) {
        public boolean positive() {
            return target == 1f;
        }
    }

    /**
     * @param labels   class index of each support example
     * @param maxPairs upper bound on the number of pairs (positives + negatives)
     */
    public static List<Pair> sample(int[] labels, int maxPairs, long seed) {
        if (maxPairs < 2) throw new IllegalArgumentException("maxPairs must be >= 2, got " + maxPairs);
        int n = labels.length;
        int classes = 0;
        for (int l : labels) {
            if (l < 0) throw new IllegalArgumentException("negative label " + l);
            classes = Math.max(classes, l + 1);
        }
        var members = new ArrayList<List<Integer>>();
        for (int c = 0; c < classes; c++) members.add(new ArrayList<>());
        for (int i = 0; i < n; i++) members.get(labels[i]).add(i);
        long positivesAvailable = 0, negativesAvailable = (long) n * (n - 1) / 2;
        for (var m : members) positivesAvailable += (long) m.size() * (m.size() - 1) / 2;
        negativesAvailable -= positivesAvailable;
        long perKind = Math.min(maxPairs / 2, Math.min(positivesAvailable, negativesAvailable));
        if (perKind == 0) return List.of();

        var rnd = new SplittableRandom(seed);
        // each example's class-mates in a seeded order, walked one per round
        int[][] mates = new int[n][];
        for (int i = 0; i < n; i++) {
            var m = members.get(labels[i]);
            int[] a = new int[m.size() - 1];
            int k = 0;
            for (int j : m) if (j != i) a[k++] = j;
            shuffle(a, rnd);
            mates[i] = a;
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;

        Set<Long> seen = new HashSet<>();
        int[] posUses = new int[n], negUses = new int[n];
        var positives = new ArrayList<Pair>();
        var negatives = new ArrayList<Pair>();
        while (positives.size() < perKind) {
            shuffle(order, rnd);
            boolean progress = false;
            for (int i : order) {
                if (positives.size() >= perKind) break;
                // the least-used class-mate not yet paired with i (ties: i's seeded order of its mates)
                int best = -1;
                for (int j : mates[i]) {
                    if ((best < 0 || posUses[j] < posUses[best]) && !seen.contains(key(i, j, n))) best = j;
                }
                if (best < 0) continue;
                seen.add(key(i, best, n));
                posUses[i]++;
                posUses[best]++;
                positives.add(new Pair(Math.min(i, best), Math.max(i, best), 1f));
                progress = true;
            }
            if (!progress) break; // every class-mate pair is taken
        }
        // negatives: the same number, one per example per round, each partner the least-used of a few drawn
        // uniformly from the other classes
        long target = positives.size();
        int stalled = 0;
        while (negatives.size() < target && stalled < 4) {
            shuffle(order, rnd);
            int before = negatives.size();
            for (int i : order) {
                if (negatives.size() >= target) break;
                int others = n - members.get(labels[i]).size();
                if (others == 0) continue;
                int best = -1;
                for (int attempt = 0, found = 0; attempt < 32 && found < 4; attempt++) {
                    int j = drawOther(labels[i], others, members, rnd);
                    if (j == best || seen.contains(key(i, j, n))) continue;
                    found++;
                    if (best < 0 || negUses[j] < negUses[best]) best = j;
                }
                if (best < 0) continue;
                seen.add(key(i, best, n));
                negUses[i]++;
                negUses[best]++;
                negatives.add(new Pair(Math.min(i, best), Math.max(i, best), 0f));
            }
            stalled = negatives.size() == before ? stalled + 1 : 0;
        }
        // keep the kinds balanced even if negatives ran short (only possible when nearly every pair is taken)
        while (positives.size() > negatives.size()) positives.removeLast();
        var out = new ArrayList<Pair>(positives.size() * 2);
        out.addAll(positives);
        out.addAll(negatives);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            var t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out;
    }

    /** The {@code k}-th example (uniform k) outside class {@code own}. */
    private static int drawOther(int own, int others, List<List<Integer>> members, SplittableRandom rnd) {
        int k = rnd.nextInt(others);
        for (int c = 0; c < members.size(); c++) {
            if (c == own) continue;
            var m = members.get(c);
            if (k < m.size()) return m.get(k);
            k -= m.size();
        }
        throw new IllegalStateException("unreachable");
    }

    private static long key(int i, int j, int n) {
        return (long) Math.min(i, j) * n + Math.max(i, j);
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
