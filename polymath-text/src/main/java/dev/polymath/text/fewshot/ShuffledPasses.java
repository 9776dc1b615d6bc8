package dev.polymath.text.fewshot;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Batches of row indices drawn without replacement from a seeded shuffle, pass after pass: when too few rows are left
 * for a batch, they wait and the rows are shuffled again (Fisher-Yates), so every batch is full and no row repeats
 * within a pass.
 */
final class ShuffledPasses {
    private final int[] order;
    private final SplittableRandom rnd;
    private int pos;

    ShuffledPasses(int rows, long seed) {
        order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        rnd = new SplittableRandom(seed);
        pos = rows;
    }

    /** Whether the next batch of {@code b} rows starts a new pass. */
    boolean startsPass(int b) {
        return pos + b > order.length;
    }

    /** The next {@code b} row indices ({@code b} at most the row count). */
    int[] next(int b) {
        if (b > order.length) throw new IllegalArgumentException("a batch of " + b + " from " + order.length + " rows");
        if (startsPass(b)) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            pos = 0;
        }
        int[] out = Arrays.copyOfRange(order, pos, pos + b);
        pos += b;
        return out;
    }
}
