package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.polymath.core.util.Seeds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A functional multi-layer perceptron with ReLU between layers: parameters {@code [W1, b1, W2, b2, ...]},
 * {@code W} stored as {@code (in, out)} so that a layer is {@code x @ W + b}. Initialised like PyTorch's
 * {@code nn.Linear} ({@code U(-1/sqrt(fan_in), 1/sqrt(fan_in))} for weights and biases).
 *
 * <p>Besides the autograd-capable {@link #forward}, it computes losses and gradients by hand
 * ({@link #lossGrads}): one forward pass and one backward pass of a handful of (batch) matrix products, with
 * no autograd graph. Shared layers run as one 2-D product over all {@code T*N} rows; per-task layers as a
 * batch matrix product; gradients reduced over tasks are again one 2-D product over {@code T*N} rows. The
 * backward pass writes nothing in place, so autograd can differentiate the gradients themselves: that is how
 * second-order MAML gets its exact Hessian-vector products ({@link #differentiableLossGrads}).
 */
public final class Mlp implements Learner {
    private final int[] sizes;
    private final Objective objective;

    public Mlp(Objective objective, int... sizes) {
        if (sizes.length < 2) throw new IllegalArgumentException("an MLP needs at least input and output sizes");
        this.sizes = sizes.clone();
        this.objective = objective;
    }

    public int layers() {
        return sizes.length - 1;
    }

    public int[] sizes() {
        return sizes.clone();
    }

    @Override
    public String describe() {
        var sb = new StringBuilder("MLP ");
        for (int i = 0; i < sizes.length; i++) sb.append(i == 0 ? "" : "-").append(sizes[i]);
        return sb.append(" ReLU").toString();
    }

    @Override
    public Objective objective() {
        return objective;
    }

    @Override
    public NDList init(NDManager manager, long seed) {
        SplittableRandom rng = Seeds.stream(seed, "mlp-init");
        NDList ps = new NDList();
        for (int l = 0; l < layers(); l++) {
            int in = sizes[l], out = sizes[l + 1];
            float bound = (float) (1.0 / Math.sqrt(in));
            ps.add(manager.create(uniform(rng, in * out, bound), new Shape(in, out)));
            ps.add(manager.create(uniform(rng, out, bound), new Shape(out)));
        }
        return ps;
    }

    private static float[] uniform(SplittableRandom rng, int n, float bound) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        return a;
    }

    @Override
    public List<String> names() {
        var out = new ArrayList<String>();
        for (int l = 0; l < layers(); l++) {
            out.add("layer" + (l + 1) + ".weight");
            out.add("layer" + (l + 1) + ".bias");
        }
        return out;
    }

    @Override
    public int baseRank(int i) {
        return i % 2 == 0 ? 2 : 1;
    }

    @Override
    public int headStart() {
        return 2 * (layers() - 1);
    }

    @Override
    public NDArray forward(NDList params, NDArray x) {
        NDArray h = x;
        for (int l = 0; l < layers(); l++) {
            h = linear(params, l, h);
            if (l < layers() - 1) h = Activation.relu(h);
        }
        return h;
    }

    /** {@code h @ W + b} for h {@code (T, N, in)}, with shared or per-task W and b. */
    private NDArray linear(NDList params, int l, NDArray h) {
        NDArray w = params.get(2 * l), b = params.get(2 * l + 1);
        Shape s = h.getShape();
        NDArray z;
        if (w.getShape().dimension() == 2) {
            z = h.reshape(s.get(0) * s.get(1), s.get(2)).matMul(w).reshape(s.get(0), s.get(1), w.getShape().get(1));
        } else {
            z = h.batchMatMul(w);
        }
        return b.getShape().dimension() == 1 ? z.add(b) : z.add(b.expandDims(1));
    }

    @Override
    public boolean differentiableGrads() {
        return true;
    }

    @Override
    public LossGrads differentiableLossGrads(NDList params, NDArray x, NDArray y, boolean reduceTasks, int from) {
        return lossGrads(params, x, y, reduceTasks, from);
    }

    @Override
    public LossGrads lossGrads(NDList params, NDArray x, NDArray y, boolean reduceTasks, int from) {
        int layers = layers();
        long tasks = x.getShape().get(0), n = x.getShape().get(1);
        // forward, keeping each layer's input
        NDArray[] inputs = new NDArray[layers];
        NDArray h = x;
        for (int l = 0; l < layers; l++) {
            inputs[l] = h;
            h = linear(params, l, h);
            if (l < layers - 1) h = Activation.relu(h);
        }
        NDArray losses = objective.taskLosses(h, y);
        NDArray dz = objective.dOut(h, y, reduceTasks ? 1f / tasks : 1f);
        NDArray[] grads = new NDArray[params.size()];
        int fromLayer = from / 2;
        for (int l = layers - 1; l >= fromLayer; l--) {
            NDArray a = inputs[l];
            long in = a.getShape().get(2), out = dz.getShape().get(2);
            if (reduceTasks) {
                // sum over tasks of per-task outer products = one product over all T*N rows
                grads[2 * l] = a.reshape(tasks * n, in).transpose().matMul(dz.reshape(tasks * n, out));
                grads[2 * l + 1] = dz.sum(new int[] {0, 1});
            } else {
                grads[2 * l] = a.transpose(0, 2, 1).batchMatMul(dz);
                grads[2 * l + 1] = dz.sum(new int[] {1});
            }
            if (l > fromLayer) {
                NDArray w = params.get(2 * l);
                NDArray da = w.getShape().dimension() == 2
                        ? dz.reshape(tasks * n, out).matMul(w.transpose()).reshape(tasks, n, in)
                        : dz.batchMatMul(w.transpose(0, 2, 1));
                dz = da.mul(a.sign()); // a = relu(z) >= 0, so sign(a) is ReLU's derivative (and has zero derivative itself)
            }
        }
        NDList g = new NDList(Arrays.asList(grads));
        return new LossGrads(losses, g);
    }
}
