package dev.polymath.merge;

/**
 * A slice {@code [start, start + len)} of one tensor, read from every input: {@code base} (null when the
 * method has no base model) and {@code x[i]} for model {@code i}. Arrays may be longer than {@code len};
 * only the first {@code len} entries are valid.
 *
 * <p>The engine hands a chunk (index {@code index}, the unit of statistics and of result order) to a job
 * as one or more consecutive blocks, in order, so that the inputs of a block stay in the CPU cache. A pass
 * accumulator or a {@link StatsAcc} sees the blocks of a chunk in order, so sums are the same as over the
 * whole chunk at once. State that must persist across the blocks of one chunk (tie counters) goes in
 * {@link #state}, which the engine clears at the start of every chunk. {@link #tmp} holds scratch arrays
 * of at least {@code len} floats owned by the worker thread.
 */
public final class Chunk {
    public TensorContext ctx;
    public int index;
    public long start;
    public int len;
    public float[] base;
    public float[][] x;
    /** Per-chunk state of the job or pass, null at the first block of every chunk. */
    public Object state;
    /** Worker-owned scratch arrays (may be empty); contents are undefined on entry. */
    public float[][] tmp = new float[0][];

    private int[][] itmp = new int[0][];

    /** Integer scratch array {@code i}, allocated on first use at the size of the block arrays. */
    int[] itmp(int i) {
        if (i >= itmp.length) itmp = java.util.Arrays.copyOf(itmp, i + 1);
        int n = Math.max(len, x[0].length);
        if (itmp[i] == null || itmp[i].length < n) itmp[i] = new int[n];
        return itmp[i];
    }

    /** Scratch array {@code i}, allocated on first use at the size of the block arrays. */
    float[] tmp(int i) {
        if (i >= tmp.length) tmp = java.util.Arrays.copyOf(tmp, i + 1);
        int n = Math.max(len, x[0].length);
        if (tmp[i] == null || tmp[i].length < n) tmp[i] = new float[n];
        return tmp[i];
    }
}
