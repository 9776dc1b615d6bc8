package dev.polymath.nn.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One training or evaluation step's scope: every tensor an op returns is attached to a private sub-manager
 * that {@link #close()} frees at once, so native memory does not grow step over step. Ops call the PyTorch
 * engine's JNI layer directly (no DJL Block/Trainer/ParameterStore machinery between the step and libtorch).
 * <p>PyTorch creates an op's result in the manager of its first input; inputs that live longer than the step
 * (data pools, parameters) would otherwise collect results forever, which is why every result is re-attached
 * here. Not thread-safe: one graph per thread, and autograd's grad mode is per thread.
 */
public final class Graph implements AutoCloseable {
    private final PtNDManager manager;

    private Graph(PtNDManager manager) {
        this.manager = manager;
    }

    /** A step scope under {@code parent} (whose arrays outlive the step). */
    public static Graph open(NDManager parent) {
        return new Graph((PtNDManager) parent.newSubManager());
    }

    public PtNDManager manager() {
        return manager;
    }

    /** Takes ownership of {@code a}: it is freed when the graph closes. */
    public PtNDArray own(PtNDArray a) {
        a.attach(manager);
        return a;
    }

    // ---- creation

    public PtNDArray scalar(float value) {
        return own(JniUtils.full(manager, new Shape(), value, DataType.FLOAT32, Device.cpu(), SparseFormat.DENSE));
    }

    /** A float tensor holding a copy of {@code data}. */
    public PtNDArray floats(float[] data, long... shape) {
        PtNDArray a = own(JniUtils.createEmptyNdArray(manager, new Shape(shape), DataType.FLOAT32, Device.cpu(), SparseFormat.DENSE));
        floatBuffer(a).put(data, 0, Math.toIntExact(a.getShape().size()));
        return a;
    }

    /** A zero-copy view of a contiguous float tensor's memory (valid while the tensor lives). */
    public static FloatBuffer floatBuffer(PtNDArray a) {
        return JniUtils.getByteBuffer(a, true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Copies a float tensor's values into {@code dst} from {@code offset}. */
    public static void copyTo(PtNDArray a, float[] dst, int offset) {
        int n = Math.toIntExact(a.getShape().size());
        floatBuffer(a).get(dst, offset, n);
    }

    public static float[] toFloats(PtNDArray a) {
        float[] out = new float[Math.toIntExact(a.getShape().size())];
        copyTo(a, out, 0);
        return out;
    }

    /** The value of a one-element float tensor. */
    public static float item(PtNDArray a) {
        return floatBuffer(a).get(0);
    }

    // ---- shape

    public PtNDArray reshape(PtNDArray x, long... shape) {
        return own(JniUtils.reshape(x, shape));
    }

    /** Rows {@code [from, to)} of {@code x} (a view). */
    public PtNDArray rows(PtNDArray x, long from, long to) {
        return own(JniUtils.slice(x, 0, from, to, 1));
    }

    public PtNDArray slice(PtNDArray x, long dim, long from, long to) {
        return own(JniUtils.slice(x, dim, from, to, 1));
    }

    /** Flattens every dimension after the first. */
    public PtNDArray flatten(PtNDArray x) {
        return own(JniUtils.flatten(x, 1, -1));
    }

    public PtNDArray transpose(PtNDArray x, long d0, long d1) {
        return own(JniUtils.transpose(x, d0, d1));
    }

    public PtNDArray unsqueeze(PtNDArray x, long dim) {
        return own(JniUtils.unsqueeze(x, dim));
    }

    public PtNDArray stack(PtNDArray[] xs, int dim) {
        return own(JniUtils.stack(xs, dim));
    }

    public PtNDArray cat(PtNDArray[] xs, long dim) {
        return own(JniUtils.cat(xs, dim));
    }

    // ---- layers

    /** {@code x W^T + b}; {@code w} is {@code [out, in]}, {@code b} is {@code [out]} or null. */
    public PtNDArray linear(PtNDArray x, PtNDArray w, PtNDArray b) {
        return own(JniUtils.linear(x, w, b));
    }

    public PtNDArray relu(PtNDArray x) {
        return own(JniUtils.relu(x));
    }

    public PtNDArray tanh(PtNDArray x) {
        return own(JniUtils.tanh(x));
    }

    public PtNDArray sigmoid(PtNDArray x) {
        return own(JniUtils.sigmoid(x));
    }

    /** 2-D convolution, NCHW, square kernel from {@code w} ({@code [out, in, k, k]}). */
    public PtNDArray conv2d(PtNDArray x, PtNDArray w, PtNDArray b, int stride, int padding) {
        return own(JniUtils.convolution(x, w, b, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1));
    }

    public PtNDArray maxPool2d(PtNDArray x, int kernel) {
        return own(JniUtils.maxPool(x, new Shape(kernel, kernel), new Shape(kernel, kernel), new Shape(0, 0), false));
    }

    public PtNDArray softPlus(PtNDArray x) {
        return own(JniUtils.softPlus(x));
    }

    public PtNDArray erf(PtNDArray x) {
        return own(JniUtils.erf(x));
    }

    public PtNDArray log(PtNDArray x) {
        return own(JniUtils.log(x));
    }

    /** Elementwise clamp to {@code [min, max]} (zero gradient outside). */
    public PtNDArray clip(PtNDArray x, double min, double max) {
        return own(JniUtils.clip(x, min, max));
    }

    public PtNDArray softmax(PtNDArray x, long dim) {
        return own(JniUtils.softmax(x, dim, DataType.FLOAT32));
    }

    public PtNDArray logSoftmax(PtNDArray x, long dim) {
        return own(JniUtils.logSoftmax(x, dim, DataType.FLOAT32));
    }

    /**
     * Mean cross-entropy of {@code logits [B, C]} against class indices {@code labels [B, 1]} (int64), as
     * PyTorch's {@code F.cross_entropy} with mean reduction.
     */
    public PtNDArray crossEntropy(PtNDArray logits, PtNDArray labels) {
        PtNDArray picked = own(JniUtils.gather(logSoftmax(logits, 1), labels, 1));
        return own(JniUtils.neg(own(JniUtils.mean(picked))));
    }

    /** Mean squared error. */
    public PtNDArray mse(PtNDArray predicted, PtNDArray target) {
        PtNDArray d = sub(predicted, target);
        return own(JniUtils.mean(mul(d, d)));
    }

    // ---- arithmetic

    public PtNDArray add(PtNDArray a, PtNDArray b) {
        return own(JniUtils.add(a, b));
    }

    public PtNDArray sub(PtNDArray a, PtNDArray b) {
        return own(JniUtils.sub(a, b));
    }

    public PtNDArray mul(PtNDArray a, PtNDArray b) {
        return own(JniUtils.mul(a, b));
    }

    public PtNDArray div(PtNDArray a, PtNDArray b) {
        return own(JniUtils.div(a, b));
    }

    /** {@code a + c} for a constant {@code c}. */
    public PtNDArray addScalar(PtNDArray a, double c) {
        return add(a, scalar((float) c));
    }

    public PtNDArray scale(PtNDArray a, double factor) {
        return mul(a, scalar((float) factor));
    }

    public PtNDArray matmul(PtNDArray a, PtNDArray b) {
        return own(JniUtils.matmul(a, b));
    }

    public PtNDArray sum(PtNDArray x) {
        return own(JniUtils.sum(x));
    }

    public PtNDArray sum(PtNDArray x, long dim) {
        return own(JniUtils.sum(x, new long[] {dim}, false));
    }

    /** Product over {@code dim} (dropped). */
    public PtNDArray prod(PtNDArray x, long dim) {
        return own(JniUtils.prod(x, dim, false));
    }

    /** Values of {@code x} at int64 {@code index} along {@code dim} (differentiable in {@code x}). */
    public PtNDArray gather(PtNDArray x, PtNDArray index, long dim) {
        return own(JniUtils.gather(x, index, dim));
    }

    /** Rows {@code rows} of {@code x} (first dimension), in that order: a gather, differentiable in {@code x}. */
    public PtNDArray selectRows(PtNDArray x, int[] rows) {
        long[] shape = x.getShape().getShape();
        long width = x.getShape().size() / shape[0];
        PtNDArray flat = reshape(x, shape[0], width);
        PtNDArray picked = gather(flat, rowIndex(rows, width), 0);
        long[] out = shape.clone();
        out[0] = rows.length;
        return reshape(picked, out);
    }

    /**
     * A tensor of {@code total} rows shaped like {@code src}'s rows, zero except row {@code rows[i]} =
     * {@code src[i]} (rows distinct): a scatter into zeros, differentiable in {@code src}.
     */
    public PtNDArray scatterRows(PtNDArray src, int[] rows, long total) {
        long[] shape = src.getShape().getShape();
        long width = src.getShape().size() / shape[0];
        PtNDArray zeros = own(JniUtils.createZerosNdArray(manager, new Shape(total, width), DataType.FLOAT32, Device.cpu(), SparseFormat.DENSE));
        PtNDArray scattered = own(JniUtils.scatter(zeros, rowIndex(rows, width), reshape(src, shape[0], width), 0));
        long[] out = shape.clone();
        out[0] = total;
        return reshape(scattered, out);
    }

    /** {@code [rows.length, width]} int64, row i filled with {@code rows[i]} (the index gather and scatter take). */
    private PtNDArray rowIndex(int[] rows, long width) {
        int w = Math.toIntExact(width);
        long[] idx = new long[rows.length * w];
        for (int i = 0; i < rows.length; i++) java.util.Arrays.fill(idx, i * w, (i + 1) * w, rows[i]);
        return longs(idx, rows.length, width);
    }

    /** An int64 tensor holding a copy of {@code data}. */
    public PtNDArray longs(long[] data, long... shape) {
        PtNDArray a = own(JniUtils.createEmptyNdArray(manager, new Shape(shape), DataType.INT64, Device.cpu(), SparseFormat.DENSE));
        JniUtils.getByteBuffer(a, true).order(ByteOrder.nativeOrder()).asLongBuffer().put(data, 0, Math.toIntExact(a.getShape().size()));
        return a;
    }

    public PtNDArray mean(PtNDArray x) {
        return own(JniUtils.mean(x));
    }

    public PtNDArray argMax(PtNDArray x, long dim) {
        return own(JniUtils.argMax(x, dim, false));
    }

    // ---- autograd

    /** A leaf sharing {@code x}'s memory, cut from its history, that collects its own gradient. */
    public PtNDArray detachedLeaf(PtNDArray x) {
        PtNDArray d = own(JniUtils.detachGradient(x));
        JniUtils.attachGradient(d, true);
        return d;
    }

    /** The gradient accumulated on a leaf (owned by this graph), or null when no backward pass reached it. */
    public PtNDArray gradient(PtNDArray leaf) {
        PtNDArray g = JniUtils.getGradient(leaf);
        return g == null ? null : own(g);
    }

    /** Back-propagates a scalar. */
    public void backward(PtNDArray scalarLoss, boolean retainGraph) {
        JniUtils.backward(scalarLoss, scalar(1f), retainGraph, false);
    }

    /** Back-propagates {@code gradient} (same shape as {@code output}) from {@code output}. */
    public void backward(PtNDArray output, PtNDArray gradient, boolean retainGraph) {
        JniUtils.backward(output, gradient, retainGraph, false);
    }

    public static void zeroGradient(PtNDArray leaf) {
        JniUtils.zeroGrad(leaf);
    }

    /** Turns autograd recording on or off for the calling thread. */
    public static void gradMode(boolean on) {
        JniUtils.setGradMode(on);
    }

    public static boolean gradMode() {
        return JniUtils.isGradMode();
    }

    @Override
    public void close() {
        manager.close();
    }
}
