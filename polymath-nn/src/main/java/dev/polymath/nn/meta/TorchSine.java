package dev.polymath.nn.meta;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The sine tasks and initial MLP weights that {@code torch_maml_sine.py} draws from a seed, reproduced
 * float for float (same generator, same draw order, float32 arithmetic), so that the {@code maml-sine}
 * benchmark compares both implementations on identical tasks and starting weights.
 */
public final class TorchSine {
    private TorchSine() {}

    /** Peer's {@code init_params}: per layer {@code (rand(out, in)*2-1)*bound}, {@code (rand(out)*2-1)*bound}; W returned as (in, out). */
    public static NDList initMlp(NDManager manager, TorchCompatibleRandom g, int... sizes) {
        NDList ps = new NDList();
        for (int l = 0; l + 1 < sizes.length; l++) {
            int in = sizes[l], out = sizes[l + 1];
            float bound = (float) (1.0 / Math.sqrt(in));
            float[] w = g.rand(out * in);
            float[] wt = new float[in * out];
            for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) wt[i * out + o] = (w[o * in + i] * 2f - 1f) * bound;
            float[] b = g.rand(out);
            for (int o = 0; o < out; o++) b[o] = (b[o] * 2f - 1f) * bound;
            ps.add(manager.create(wt, new Shape(in, out)));
            ps.add(manager.create(b, new Shape(out)));
        }
        return ps;
    }

    /** Peer's {@code sample_tasks(gen, T, K)} (support and query of K points each). */
    public static TaskBatch sample(NDManager manager, TorchCompatibleRandom g, int tasks, int k) {
        return sample(manager, g, tasks, k, k);
    }

    /** Peer's draw order: A (T), phase (T), support x (T*K), query x (T*Q); A = r*4.9+0.1, phase = r*pi, x = r*10-5. */
    public static TaskBatch sample(NDManager manager, TorchCompatibleRandom g, int tasks, int k, int q) {
        float[] a = g.rand(tasks), ph = g.rand(tasks), xs = g.rand(tasks * k), xq = g.rand(tasks * q);
        for (int t = 0; t < tasks; t++) {
            a[t] = a[t] * 4.9f + 0.1f;
            ph[t] = ph[t] * (float) Math.PI;
        }
        float[] ys = new float[xs.length], yq = new float[xq.length];
        fill(xs, ys, a, ph, k);
        fill(xq, yq, a, ph, q);
        return new TaskBatch(manager.create(xs, new Shape(tasks, k, 1)), manager.create(ys, new Shape(tasks, k, 1)),
                manager.create(xq, new Shape(tasks, q, 1)), manager.create(yq, new Shape(tasks, q, 1)));
    }

    private static void fill(float[] x, float[] y, float[] a, float[] ph, int per) {
        for (int i = 0; i < x.length; i++) {
            int t = i / per;
            x[i] = x[i] * 10f - 5f;
            y[i] = a[t] * (float) Math.sin(x[i] - ph[t]);
        }
    }

    /** The peer's evaluation set: seed 12345, 100 tasks, 10 support and 100 query points. */
    public static TaskBatch evaluationSet(NDManager manager) {
        return sample(manager, new TorchCompatibleRandom(12345), 100, 10, 100);
    }
}
