package dev.polymath.nn.meta;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

/**
 * Sine-wave regression tasks (Finn et al. 2017): {@code y = A sin(x - phase)}, {@code A ~ U[0.1, 5]},
 * {@code phase ~ U[0, pi]}, {@code x ~ U[-5, 5]}. Inputs and targets are {@code (T, N, 1)}.
 */
public final class SineTasks {
    public static final double MIN_AMPLITUDE = 0.1, MAX_AMPLITUDE = 5.0, MAX_PHASE = Math.PI, X_RANGE = 5.0;

    private SineTasks() {}

    /** {@code tasks} fresh tasks with {@code support} and {@code query} points each, drawn from {@code rng}. */
    public static TaskBatch sample(NDManager manager, SplittableRandom rng, int tasks, int support, int query) {
        float[] xs = new float[tasks * support], ys = new float[tasks * support];
        float[] xq = new float[tasks * query], yq = new float[tasks * query];
        for (int t = 0; t < tasks; t++) {
            double a = MIN_AMPLITUDE + rng.nextDouble() * (MAX_AMPLITUDE - MIN_AMPLITUDE);
            double ph = rng.nextDouble() * MAX_PHASE;
            fill(rng, a, ph, xs, ys, t * support, support);
            fill(rng, a, ph, xq, yq, t * query, query);
        }
        return new TaskBatch(manager.create(xs, new Shape(tasks, support, 1)), manager.create(ys, new Shape(tasks, support, 1)),
                manager.create(xq, new Shape(tasks, query, 1)), manager.create(yq, new Shape(tasks, query, 1)));
    }

    private static void fill(SplittableRandom rng, double a, double ph, float[] x, float[] y, int off, int n) {
        for (int i = 0; i < n; i++) {
            double v = (rng.nextDouble() * 2 - 1) * X_RANGE;
            x[off + i] = (float) v;
            y[off + i] = (float) (a * Math.sin(v - ph));
        }
    }

    /** The MLP of the paper: 1-40-40-1, ReLU. */
    public static Mlp model() {
        return new Mlp(Objective.MSE, 1, 40, 40, 1);
    }
}
