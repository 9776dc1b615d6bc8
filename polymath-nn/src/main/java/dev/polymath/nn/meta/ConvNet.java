package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import dev.polymath.core.util.Seeds;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small functional CNN for 28x28 grey images: two blocks of 3x3 convolution (padding 1), ReLU and 2x2 max
 * pooling ({@code channels} filters each), then a linear head to {@code classes} outputs, or no head
 * ({@code classes = 0}) for an embedding network (ProtoNet). Inputs are {@code (T, N, 784)} pixel vectors.
 * Per-task convolution weights are applied task by task; shared ones to all {@code T*N} images at once.
 *
 * <p>Gradients come from DJL autograd ({@link Learner#autogradLossGrads}). There is also a hand-written backward
 * pass ({@link #differentiableLossGrads}, checked against autograd in {@code ConvNetGradientTest}) made of ordinary
 * operators, meant for second-order MAML but not enabled (see {@link #differentiableGrads}): a convolution's
 * weight gradient is the im2col of its input times the output gradient, its input gradient a convolution with the
 * flipped, transposed kernel, and max pooling routes the gradient to the first position that holds its window's
 * maximum.
 */
public final class ConvNet implements Learner {
    private final int channels, classes, side;
    private final Objective objective;

    public ConvNet(int channels, int classes) {
        this(channels, classes, 28);
    }

    public ConvNet(int channels, int classes, int side) {
        if (side % 4 != 0) throw new IllegalArgumentException("image side must be a multiple of 4, got " + side);
        this.channels = channels;
        this.classes = classes;
        this.side = side;
        this.objective = Objective.CROSS_ENTROPY;
    }

    public int embeddingSize() {
        return channels * (side / 4) * (side / 4);
    }

    @Override
    public String describe() {
        return "CNN conv3x3(" + channels + ")-pool-conv3x3(" + channels + ")-pool" + (classes > 0 ? "-linear(" + classes + ")" : " (embedding " + embeddingSize() + ")");
    }

    @Override
    public NDList init(NDManager manager, long seed) {
        SplittableRandom rng = Seeds.stream(seed, "cnn-init");
        NDList ps = new NDList();
        ps.add(uniform(manager, rng, new Shape(channels, 1, 3, 3), 9));
        ps.add(uniform(manager, rng, new Shape(channels), 9));
        ps.add(uniform(manager, rng, new Shape(channels, channels, 3, 3), 9L * channels));
        ps.add(uniform(manager, rng, new Shape(channels), 9L * channels));
        if (classes > 0) {
            ps.add(uniform(manager, rng, new Shape(embeddingSize(), classes), embeddingSize()));
            ps.add(uniform(manager, rng, new Shape(classes), embeddingSize()));
        }
        return ps;
    }

    private static NDArray uniform(NDManager m, SplittableRandom rng, Shape s, long fanIn) {
        float bound = (float) (1 / Math.sqrt(fanIn));
        float[] a = new float[(int) s.size()];
        for (int i = 0; i < a.length; i++) a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        return m.create(a, s);
    }

    @Override
    public List<String> names() {
        var n = new ArrayList<>(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"));
        if (classes > 0) n.addAll(List.of("head.weight", "head.bias"));
        return n;
    }

    @Override
    public int baseRank(int i) {
        return switch (i) {
            case 0, 2 -> 4;
            case 4 -> 2;
            default -> 1;
        };
    }

    @Override
    public int headStart() {
        return classes > 0 ? 4 : 2;
    }

    @Override
    public Objective objective() {
        return objective;
    }

    /**
     * False: second-order MAML through {@link #differentiableLossGrads} is not offered for the CNN. The gradient
     * itself matches autograd (ties included), but differentiating it again produced a NaN meta-loss at a random
     * iteration (two identical runs in one JVM agreed bit for bit for 25 iterations, then one gave NaN), which
     * points below this code (libtorch's conv/pool double backward); not resolved yet.
     */
    @Override
    public boolean differentiableGrads() {
        return false;
    }

    @Override
    public LossGrads differentiableLossGrads(NDList params, NDArray x, NDArray y, boolean reduceTasks, int from) {
        if (classes == 0) throw new UnsupportedOperationException(describe() + " has no head to differentiate");
        long tasks = x.getShape().get(0), n = x.getShape().get(1);
        Shape pool = new Shape(2, 2), unit = new Shape(1, 1);
        NDList outs = new NDList();
        NDArray[][] saved = new NDArray[(int) tasks][];
        for (int t = 0; t < tasks; t++) {
            NDArray[] p = taskParams(params, t);
            NDArray img = x.get(t).reshape(n, 1, side, side);
            NDArray a1 = Activation.relu(Conv2d.conv2d(img, p[0], p[1], unit, unit).singletonOrThrow());
            NDArray p1 = Pool.maxPool2d(a1, pool, pool, new Shape(0, 0), false);
            NDArray a2 = Activation.relu(Conv2d.conv2d(p1, p[2], p[3], unit, unit).singletonOrThrow());
            NDArray p2 = Pool.maxPool2d(a2, pool, pool, new Shape(0, 0), false);
            NDArray feats = p2.reshape(n, embeddingSize());
            outs.add(feats.matMul(p[4]).add(p[5]));
            saved[t] = new NDArray[] {img, a1, p1, a2, p2, feats};
        }
        NDArray out = NDArrays.stack(outs);
        NDArray losses = objective.taskLosses(out, y);
        NDArray dOut = objective.dOut(out, y, reduceTasks ? 1f / tasks : 1f);
        NDList[] perTask = new NDList[6];
        for (int i = 0; i < 6; i++) perTask[i] = new NDList();
        for (int t = 0; t < tasks; t++) {
            NDArray[] p = taskParams(params, t), f = saved[t];
            NDArray dz = dOut.get(t);                                        // (n, classes)
            perTask[4].add(f[5].transpose().matMul(dz));
            perTask[5].add(dz.sum(new int[] {0}));
            if (from >= 4) continue;
            NDArray dp2 = dz.matMul(p[4].transpose()).reshape(f[4].getShape());
            NDArray dz2 = unpool(dp2, f[3], f[4]).mul(f[3].sign());         // ReLU' = sign of its output
            perTask[2].add(weightGrad(f[2], dz2));
            perTask[3].add(dz2.sum(new int[] {0, 2, 3}));
            if (from >= 2) continue;
            NDArray dp1 = Conv2d.conv2d(dz2, p[2].transpose(1, 0, 2, 3).flip(2, 3), null, unit, unit).singletonOrThrow();
            NDArray dz1 = unpool(dp1, f[1], f[2]).mul(f[1].sign());
            perTask[0].add(weightGrad(f[0], dz1));
            perTask[1].add(dz1.sum(new int[] {0, 2, 3}));
        }
        NDList grads = new NDList(6);
        for (int i = 0; i < 6; i++) {
            if (i < from) {
                grads.add(null);
                continue;
            }
            NDArray g = NDArrays.stack(perTask[i]);
            grads.add(reduceTasks ? g.sum(new int[] {0}) : g);
        }
        return new LossGrads(losses, grads);
    }

    private NDArray[] taskParams(NDList params, int t) {
        NDArray[] p = new NDArray[params.size()];
        for (int i = 0; i < p.length; i++) p[i] = perTask(params, i) ? params.get(i).get(t) : params.get(i);
        return p;
    }

    /**
     * Max-pooling's gradient: the pooled gradient goes to the first position (row-major) of each 2x2 window that
     * holds the window's maximum, as PyTorch routes it. Ties are common: a blank background gives whole regions
     * of equal activations, and sending the gradient to every tied position would multiply it.
     */
    private static NDArray unpool(NDArray dPooled, NDArray input, NDArray pooled) {
        Shape s = input.getShape();
        long n = s.get(0), c = s.get(1), h2 = s.get(2) / 2, w2 = s.get(3) / 2;
        NDArray isMax = input.eq(pooled.repeat(2, 2).repeat(3, 2)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        NDArray windows = isMax.reshape(n, c, h2, 2, w2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h2, w2, 4);
        NDArray first = windows.mul(windows.cumSum(4).eq(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
        NDArray mask = first.reshape(n, c, h2, w2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, 2 * h2, 2 * w2);
        return dPooled.repeat(2, 2).repeat(3, 2).mul(mask);
    }

    /**
     * Gradient of a 3x3, padding-1 convolution's weights, {@code (out, in, 3, 3)}: the nine shifted copies of the
     * padded input (im2col) times the output gradient, one matrix product (a convolution with an image-sized
     * kernel would do the same sums several times slower).
     */
    private static NDArray weightGrad(NDArray input, NDArray dz) {
        Shape s = input.getShape();
        long n = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3), out = dz.getShape().get(1);
        NDArray padded = input.pad(new Shape(1, 1, 1, 1), 0);
        NDList shifts = new NDList(9);
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) shifts.add(padded.get(new ai.djl.ndarray.index.NDIndex(":, :, {}:{}, {}:{}", a, a + h, b, b + w)));
        }
        NDArray cols = NDArrays.stack(shifts, 2).transpose(1, 2, 0, 3, 4).reshape(c * 9, n * h * w);
        NDArray g = dz.transpose(1, 0, 2, 3).reshape(out, n * h * w);
        return g.matMul(cols.transpose()).reshape(out, c, 3, 3);
    }

    private NDArray body(NDArray images, NDArray w1, NDArray b1, NDArray w2, NDArray b2) {
        NDArray h = Conv2d.conv2d(images, w1, b1, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
        h = Pool.maxPool2d(Activation.relu(h), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        h = Conv2d.conv2d(h, w2, b2, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
        return Pool.maxPool2d(Activation.relu(h), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
    }

    @Override
    public NDArray forward(NDList params, NDArray x) {
        long tasks = x.getShape().get(0), n = x.getShape().get(1);
        NDArray feats;
        boolean shared = true;
        for (int i = 0; i < 4; i++) shared &= !perTask(params, i);
        if (shared) {
            feats = body(x.reshape(tasks * n, 1, side, side), params.get(0), params.get(1), params.get(2), params.get(3))
                    .reshape(tasks, n, embeddingSize());
        } else {
            NDList per = new NDList();
            for (int t = 0; t < tasks; t++) {
                NDArray[] p = new NDArray[4];
                for (int i = 0; i < 4; i++) p[i] = perTask(params, i) ? params.get(i).get(t) : params.get(i);
                per.add(body(x.get(t).reshape(n, 1, side, side), p[0], p[1], p[2], p[3]).reshape(n, embeddingSize()));
            }
            feats = NDArrays.stack(per);
        }
        if (classes == 0) return feats;
        NDArray w = params.get(4), b = params.get(5);
        NDArray z = w.getShape().dimension() == 2
                ? feats.reshape(tasks * n, embeddingSize()).matMul(w).reshape(tasks, n, classes)
                : feats.batchMatMul(w);
        return b.getShape().dimension() == 1 ? z.add(b) : z.add(b.expandDims(1));
    }
}
