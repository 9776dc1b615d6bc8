package dev.polymath.merge;

import java.util.List;

/**
 * One read over all chunks of a tensor (or of the whole model) that accumulates statistics before the
 * merged values can be computed: a histogram for top-k, norms for SLERP or rescaling. Order-independent
 * passes (integer counts) get one accumulator per worker thread; the others one per chunk, combined in chunk
 * order so that results do not depend on the thread count.
 */
public abstract class Pass<A> {
    private final String label;
    private final boolean orderIndependent;

    protected Pass(String label, boolean orderIndependent) {
        this.label = label;
        this.orderIndependent = orderIndependent;
    }

    public String label() { return label; }

    public boolean orderIndependent() { return orderIndependent; }

    /** Elements of each block of {@code len} that the pass reads: all, or a leading part (sampling passes). */
    public int readLength(int len) { return len; }

    public abstract A newAcc();

    public abstract void accumulate(Chunk c, A acc);

    /** Receives the accumulators: per worker (order-independent) or per chunk in chunk order. */
    public abstract void finish(List<A> accs);
}
