package dev.polymath.nn.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.polymath.core.util.Seeds;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Every parameter of a model in one flat float vector: a Java {@code float[]} (the master copy the optimizer
 * updates) mirrored into one long-lived native tensor. Each step takes fresh leaf views of the native tensor
 * ({@link #leaves}), so PyTorch writes each gradient into a new buffer (the {@code set_to_none} behaviour) and
 * nothing has to be zeroed; gradients are read back into a flat {@code float[]} ({@link #readGradients}).
 * <p>Shared parameters come first: the shared block is {@code [0, sharedSize())}, so per-task gradients of
 * the shared parameters are a prefix of the flat gradient. Task {@code t}'s parameters follow, in task order.
 */
public final class Parameters implements AutoCloseable {

    /** One parameter: a named tensor at {@code [offset, offset + size)} of the flat vector; task -1 = shared. */
    public record Spec(int id, String name, long[] shape, int offset, int size, int task) {
        public boolean shared() {
            return task < 0;
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape) + "@" + offset;
        }
    }

    private final List<Spec> specs;
    private final int sharedSize;
    private final float[] values;
    private final PtNDManager manager;
    private final PtNDArray flat;
    private final FloatBuffer flatBuffer;

    private Parameters(List<Spec> specs, int sharedSize, float[] values, NDManager parent) {
        this.specs = List.copyOf(specs);
        this.sharedSize = sharedSize;
        this.values = values;
        this.manager = (PtNDManager) parent.newSubManager();
        this.flat = JniUtils.createEmptyNdArray(manager, new Shape(Math.max(values.length, 1)), DataType.FLOAT32,
                Device.cpu(), SparseFormat.DENSE);
        this.flatBuffer = Graph.floatBuffer(flat);
        sync();
    }

    public List<Spec> specs() {
        return specs;
    }

    public Spec spec(String name) {
        for (Spec s : specs) if (s.name.equals(name)) return s;
        throw new IllegalArgumentException("no parameter '" + name + "'");
    }

    public int size() {
        return values.length;
    }

    public int sharedSize() {
        return sharedSize;
    }

    /** The master values (the optimizer updates them in place; call {@link #sync()} afterwards). */
    public float[] values() {
        return values;
    }

    /** Copies the master values into the native tensor the graph reads. */
    public void sync() {
        flatBuffer.clear();
        flatBuffer.put(values, 0, values.length);
    }

    /** Replaces every value (e.g. from a checkpoint). */
    public void load(float[] newValues) {
        if (newValues.length != values.length) {
            throw new IllegalArgumentException("expected " + values.length + " values, got " + newValues.length);
        }
        System.arraycopy(newValues, 0, values, 0, values.length);
        sync();
    }

    /** Fresh leaf views of every parameter, owned by {@code g}, each collecting its gradient; index = id. */
    public PtNDArray[] leaves(Graph g) {
        PtNDArray[] out = new PtNDArray[specs.size()];
        for (Spec s : specs) {
            PtNDArray v = g.reshape(g.slice(flat, 0, s.offset, s.offset + s.size), s.shape);
            JniUtils.attachGradient(v, true);
            out[s.id] = v;
        }
        return out;
    }

    /** Read-only views (no gradient), for evaluation. */
    public PtNDArray[] views(Graph g) {
        PtNDArray[] out = new PtNDArray[specs.size()];
        for (Spec s : specs) out[s.id] = g.reshape(g.slice(flat, 0, s.offset, s.offset + s.size), s.shape);
        return out;
    }

    /** Copies the gradients of {@code leaves} with ids in {@code [fromId, toId)} into {@code grad} at their offsets. */
    public void readGradients(Graph g, PtNDArray[] leaves, int fromId, int toId, float[] grad) {
        for (int id = fromId; id < toId; id++) {
            Spec s = specs.get(id);
            PtNDArray gr = g.gradient(leaves[id]);
            if (gr == null) {
                Arrays.fill(grad, s.offset, s.offset + s.size, 0f);
            } else {
                Graph.copyTo(gr, grad, s.offset);
            }
        }
    }

    /** Every gradient into {@code grad} (length {@link #size()}). */
    public void readGradients(Graph g, PtNDArray[] leaves, float[] grad) {
        readGradients(g, leaves, 0, specs.size(), grad);
    }

    /** Number of shared parameter tensors (their ids are {@code [0, sharedCount())}). */
    public int sharedCount() {
        int n = 0;
        for (Spec s : specs) if (s.shared()) n++;
        return n;
    }

    /** Parameter names to values (copies), in id order. */
    public Map<String, float[]> named() {
        var out = new LinkedHashMap<String, float[]>();
        for (Spec s : specs) out.put(s.name, Arrays.copyOfRange(values, s.offset, s.offset + s.size));
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }

    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    /** How a parameter starts. */
    public interface Init {
        void fill(float[] dst, SplittableRandom rng);

        /** PyTorch's default for Linear and Conv weights and biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
        static Init fanInUniform(int fanIn) {
            double bound = 1.0 / Math.sqrt(fanIn);
            return (dst, rng) -> {
                for (int i = 0; i < dst.length; i++) dst[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            };
        }

        static Init constant(float c) {
            return (dst, rng) -> Arrays.fill(dst, c);
        }
    }

    /**
     * Declares parameters. Each one's initial values come from its own random stream
     * ({@code Seeds.stream(seed, "init/" + name)}), so adding a parameter never changes another's start.
     */
    public static final class Builder {
        private final long seed;
        private final List<Object[]> declared = new ArrayList<>();
        private final Map<String, Integer> names = new LinkedHashMap<>();

        private Builder(long seed) {
            this.seed = seed;
        }

        /** Declares a parameter ({@code task} -1 = shared) and returns its handle. */
        public ParamRef add(String name, int task, Init init, long... shape) {
            if (names.containsKey(name)) throw new IllegalArgumentException("duplicate parameter " + name);
            names.put(name, declared.size());
            var ref = new ParamRef(name);
            declared.add(new Object[] {name, task, init, shape.clone(), ref});
            return ref;
        }

        public ParamRef shared(String name, Init init, long... shape) {
            return add(name, -1, init, shape);
        }

        public ParamRef task(int task, String name, Init init, long... shape) {
            if (task < 0) throw new IllegalArgumentException("task must be >= 0");
            return add(name, task, init, shape);
        }

        /** A Linear layer's weight {@code [out, in]} and bias {@code [out]} with PyTorch's default init. */
        public LinearRef linear(String name, int task, int in, int out) {
            ParamRef w = add(name + ".weight", task, Init.fanInUniform(in), out, in);
            ParamRef b = add(name + ".bias", task, Init.fanInUniform(in), out);
            return new LinearRef(w, b);
        }

        /** A square-kernel Conv2d's weight {@code [out, in, k, k]} and bias with PyTorch's default init. */
        public LinearRef conv(String name, int task, int in, int out, int k) {
            ParamRef w = add(name + ".weight", task, Init.fanInUniform(in * k * k), out, in, k, k);
            ParamRef b = add(name + ".bias", task, Init.fanInUniform(in * k * k), out);
            return new LinearRef(w, b);
        }

        /** Lays parameters out (shared first, then by task, declaration order within each) and initializes them. */
        public Parameters build(NDManager parent) {
            List<Object[]> order = new ArrayList<>(declared);
            order.sort((a, b) -> Integer.compare((int) a[1] < 0 ? -1 : (int) a[1], (int) b[1] < 0 ? -1 : (int) b[1]));
            var specs = new ArrayList<Spec>();
            long offset = 0;
            int shared = 0;
            for (Object[] d : order) {
                long[] shape = (long[]) d[3];
                long n = 1;
                for (long x : shape) n *= x;
                int task = (int) d[1];
                Spec s = new Spec(specs.size(), (String) d[0], shape, Math.toIntExact(offset), Math.toIntExact(n), task);
                specs.add(s);
                ((ParamRef) d[4]).id = s.id;
                offset += n;
                if (task < 0) shared = Math.toIntExact(offset);
            }
            float[] values = new float[Math.toIntExact(offset)];
            for (int i = 0; i < order.size(); i++) {
                Spec s = specs.get(i);
                float[] part = new float[s.size];
                ((Init) order.get(i)[2]).fill(part, Seeds.stream(seed, "init/" + s.name));
                System.arraycopy(part, 0, values, s.offset, s.size);
            }
            return new Parameters(specs, shared, values, parent);
        }
    }

    /** A declared parameter; its id is known once the set is built. */
    public static final class ParamRef {
        private final String name;
        private int id = -1;

        ParamRef(String name) {
            this.name = name;
        }

        public int id() {
            if (id < 0) throw new IllegalStateException("parameter " + name + " not built yet");
            return id;
        }

        public String name() {
            return name;
        }

        public PtNDArray of(PtNDArray[] leaves) {
            return leaves[id()];
        }
    }

    /** Weight and bias of a Linear or Conv layer. */
    public record LinearRef(ParamRef weight, ParamRef bias) {
        public PtNDArray linear(Graph g, PtNDArray[] p, PtNDArray x) {
            return g.linear(x, weight.of(p), bias.of(p));
        }

        public PtNDArray conv(Graph g, PtNDArray[] p, PtNDArray x, int stride, int padding) {
            return g.conv2d(x, weight.of(p), bias.of(p), stride, padding);
        }
    }
}
