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
 * Gradients come from DJL autograd ({@link Learner#autogradLossGrads}).
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
