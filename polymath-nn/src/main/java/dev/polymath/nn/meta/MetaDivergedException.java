package dev.polymath.nn.meta;

/** The meta-training loss (or a held-out task's loss after adaptation) became NaN or infinite; carries the iteration and the last finite value. */
public final class MetaDivergedException extends RuntimeException {
    private final long iteration;
    private final double lastFinite;

    public MetaDivergedException(long iteration, double value, double lastFinite) {
        super(String.format(java.util.Locale.ROOT, "meta-training diverged at iteration %d: meta-loss %s (%s); lower the outer or inner learning rate",
                iteration, Double.toString(value), Double.isFinite(lastFinite)
                        ? String.format(java.util.Locale.ROOT, "last finite value %.6g", lastFinite) : "no finite value before it"));
        this.iteration = iteration;
        this.lastFinite = lastFinite;
    }

    /** Adaptation to a held-out task diverged (no training iteration involved). */
    public MetaDivergedException(String message) {
        super(message);
        this.iteration = -1;
        this.lastFinite = Double.NaN;
    }

    public long iteration() {
        return iteration;
    }

    public double lastFinite() {
        return lastFinite;
    }
}
