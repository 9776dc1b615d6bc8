package dev.polymath.merge;

/**
 * A fixed-size slice {@code [start, start + len)} of one tensor, read from every input: {@code base} (null
 * when the method has no base model) and {@code x[i]} for model {@code i}. Arrays may be longer than
 * {@code len}; only the first {@code len} entries are valid.
 */
public final class Chunk {
    public TensorContext ctx;
    public int index;
    public long start;
    public int len;
    public float[] base;
    public float[][] x;
}
