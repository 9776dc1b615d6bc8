package dev.polymath.nn.mtl.weighting;

/** Shared bookkeeping: task count, seed, input validation. */
public abstract class AbstractWeighting implements Weighting {
    protected int tasks;
    protected long seed;
    private boolean ready;

    @Override
    public final void reset(int tasks, long seed) {
        if (tasks < 1) throw new IllegalArgumentException("tasks must be >= 1, got " + tasks);
        this.tasks = tasks;
        this.seed = seed;
        this.ready = true;
        onReset();
    }

    /** Clears method state after {@link #tasks} and {@link #seed} were set. */
    protected void onReset() {}

    @Override
    public final WeightingResult step(WeightingInput input) {
        if (!ready) throw new IllegalStateException(name() + ": reset(tasks, seed) must be called before step");
        if (input.tasks() != tasks) {
            throw new IllegalArgumentException(name() + ": expected " + tasks + " losses, got " + input.tasks());
        }
        if (mode() != GradientMode.LOSSES) {
            float[][] g = input.gradients();
            if (g == null) throw new IllegalArgumentException(name() + " needs per-task gradients");
            if (g.length != tasks) {
                throw new IllegalArgumentException(name() + ": expected " + tasks + " gradient rows, got " + g.length);
            }
            for (float[] row : g) {
                if (row == null || row.length != g[0].length || row.length == 0) {
                    throw new IllegalArgumentException(name() + ": gradient rows must be non-empty and of equal length");
                }
            }
            GradientMode asked = input.isRepresentation() ? GradientMode.REPRESENTATION : GradientMode.PARAMETERS;
            if (!supports(asked)) {
                throw new IllegalArgumentException(name() + " does not support " + asked + " gradients");
            }
        }
        return compute(input);
    }

    protected abstract WeightingResult compute(WeightingInput input);

    /** The rows the weights are computed on: the input rows, or (representation mode) their batch sums. */
    protected static float[][] weightingRows(WeightingInput input) {
        return input.isRepresentation()
                ? GradMath.sumOverBatch(input.gradients(), input.representationBatch())
                : input.gradients();
    }

    protected static double[] ones(int n) {
        return GradMath.filled(n, 1.0);
    }

    /** {@code n * softmax(x)}. */
    protected static double[] scaledSoftmax(double[] x, double scale) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) max = Math.max(max, v);
        double[] e = new double[x.length];
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(x[i] - max);
            s += e[i];
        }
        for (int i = 0; i < x.length; i++) e[i] = scale * e[i] / s;
        return e;
    }

    @Override
    public String toString() {
        return name();
    }
}
