package dev.polymath.core.util;

import java.util.SplittableRandom;

/**
 * Deterministic random streams. Every stochastic component takes a seed and derives sub-streams by name,
 * so adding a new consumer never shifts the numbers another consumer sees.
 */
public final class Seeds {
    private Seeds() {}

    /** A stream for {@code purpose} under the run seed; the same (seed, purpose) always gives the same stream. */
    public static SplittableRandom stream(long seed, String purpose) {
        return new SplittableRandom(mix(seed, purpose));
    }

    /** Mixes a seed with a string (FNV-1a over UTF-16 units, then a SplitMix64 finalizer). */
    public static long mix(long seed, String purpose) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (int i = 0; i < purpose.length(); i++) {
            h ^= purpose.charAt(i);
            h *= 0x100000001b3L;
        }
        return splitMix(h);
    }

    public static long mix(long seed, long index) {
        return splitMix(seed ^ splitMix(index + 0x9e3779b97f4a7c15L));
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Fisher-Yates shuffle of {@code a} in place. */
    public static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i]; a[i] = a[j]; a[j] = t;
        }
    }

    public static <T> void shuffle(java.util.List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = list.get(i); list.set(i, list.get(j)); list.set(j, t);
        }
    }

    /** The first {@code k} of a random permutation of 0..n-1 (partial Fisher-Yates). */
    public static int[] sampleWithoutReplacement(int n, int k, SplittableRandom rng) {
        if (k > n) throw new IllegalArgumentException("cannot draw " + k + " distinct items from " + n);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = a[i]; a[i] = a[j]; a[j] = t;
        }
        return java.util.Arrays.copyOf(a, k);
    }
}
