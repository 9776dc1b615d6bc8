package dev.polymath.nn.meta;

/** The meta-training loss became NaN or infinite; carries the iteration and the last finite value. */
public final class MetaDivergedException extends RuntimeException {
    private final long iteration;
    private final double lastFinite;

    public MetaDivergedException(long iteration, double value, double lastFinite) {
        super(String.format(java.util.Locale.ROOT,
                "meta-training diverged at iteration %d: meta-loss %s (last finite value %.6g); lower the outer or inner learning rate",
                iteration, Double.toString(value), lastFinite));
        this.iteration = iteration;
        this.lastFinite = lastFinite;
    }

    public long iteration() {
        return iteration;
    }

    public double lastFinite() {
        return lastFinite;
    }
}
