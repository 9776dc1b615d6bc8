package dev.polymath.merge;

import java.util.List;
import java.util.Map;

/**
 * What a method knows about the tensor being merged: name, shape, chunking, layer position {@code t}, the
 * resolved (typed, defaults filled) global and per-model parameters, the seed and the DARE mask.
 */
public final class TensorContext {
    public final String name;
    public final long[] shape;
    public final long numel;
    public final int chunkSize;
    public final int chunks;
    public final double t;
    public final Map<String, Object> global;
    public final List<Map<String, Object>> perModel;
    public final int models;
    public final boolean hasBase;
    public final long seed;
    public final DropMask dropMask;
    /** Results of model-wide passes (global top-k thresholds), or null. */
    public final Object modelLevel;

    public TensorContext(String name, long[] shape, int chunkSize, double t, Map<String, Object> global,
                         List<Map<String, Object>> perModel, boolean hasBase, long seed, DropMask dropMask, Object modelLevel) {
        this.name = name;
        this.shape = shape.clone();
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        this.numel = n;
        this.chunkSize = chunkSize;
        this.chunks = (int) Math.max(1, (n + chunkSize - 1) / chunkSize);
        this.t = t;
        this.global = global;
        this.perModel = perModel;
        this.models = perModel.size();
        this.hasBase = hasBase;
        this.seed = seed;
        this.dropMask = dropMask;
        this.modelLevel = modelLevel;
    }

    public double num(String p) { return ((Number) global.get(p)).doubleValue(); }

    public boolean bool(String p) { return (Boolean) global.get(p); }

    public String str(String p) { return (String) global.get(p); }

    public double num(int model, String p) { return ((Number) perModel.get(model).get(p)).doubleValue(); }

    public long chunkStart(int c) { return (long) c * chunkSize; }

    public int chunkLen(int c) { return (int) Math.min(chunkSize, numel - chunkStart(c)); }
}
