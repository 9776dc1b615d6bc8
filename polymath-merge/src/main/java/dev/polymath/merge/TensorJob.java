package dev.polymath.merge;

import java.util.Map;

/** How one tensor is merged: zero or more statistics passes, then an element-wise apply over chunks. */
public interface TensorJob {
    /** The next statistics pass, or null when {@link #apply} can run. May depend on earlier passes' results. */
    Pass<?> nextPass();

    /** Computes merged values for the chunk into {@code out[0..c.len)} and adds to {@code stats}. */
    void apply(Chunk c, float[] out, StatsAcc stats);

    /** Method-specific figures for the statistics file (thresholds, scale factors, SLERP angle, ...). */
    default Map<String, Object> extraStats() { return Map.of(); }

    /** Number of statistics passes a job of this kind will need at most (for the dry-run I/O estimate). */
    default int maxPasses() { return 0; }
}
