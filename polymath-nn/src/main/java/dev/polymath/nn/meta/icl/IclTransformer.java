package dev.polymath.nn.meta.icl;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;
import dev.polymath.nn.tensor.Parameters.LinearRef;
import dev.polymath.nn.tensor.Parameters.ParamRef;

import java.util.ArrayList;
import java.util.List;

/**
 * The general-purpose in-context learner's network (Kirsch et al. 2022): a causal pre-LN transformer over
 * tokens {@code (x_t, onehot(y_{t-1}))} (a zero label vector at t = 0) that predicts {@code y_t} at every
 * position. Parameters live in one flat {@link Parameters} vector (trained by a fused Adam, as the
 * multi-task step does); the forward pass calls libtorch through a {@link Graph}, so every intermediate is
 * freed when the caller's graph closes.
 * <pre>
 *   h = W_in tok + pos[t]
 *   for each block: h += Wo · Attn_causal(LN1(h));  h += W2 · gelu(W1 · LN2(h))
 *   logits = W_head · LN_f(h)
 * </pre>
 */
public final class IclTransformer implements AutoCloseable {
    private final IclModelConfig config;
    private final Parameters params;
    private final LinearRef embed;
    private final ParamRef pos;
    private final List<Block> blocks = new ArrayList<>();
    private final ParamRef lnfWeight;
    private final ParamRef lnfBias;
    private final LinearRef head;

    private record Block(ParamRef ln1w, ParamRef ln1b, LinearRef qkv, LinearRef out, ParamRef ln2w, ParamRef ln2b,
                         LinearRef fc1, LinearRef fc2) {}

    /** A freshly initialized network (PyTorch's default Linear init; positions N(0, 0.02^2)) under {@code manager}. */
    public IclTransformer(IclModelConfig config, long seed, NDManager manager) {
        this.config = config;
        int d = config.dModel();
        Parameters.Builder b = Parameters.builder(seed);
        embed = b.linear("embed", -1, config.tokenDim(), d);
        pos = b.shared("pos", (dst, rng) -> {
            for (int i = 0; i < dst.length; i++) dst[i] = (float) (0.02 * rng.nextGaussian());
        }, config.maxLength(), d);
        for (int l = 0; l < config.layers(); l++) {
            String p = "blocks." + l + ".";
            blocks.add(new Block(
                    b.shared(p + "ln1.weight", Parameters.Init.constant(1f), d), b.shared(p + "ln1.bias", Parameters.Init.constant(0f), d),
                    b.linear(p + "attn.qkv", -1, d, 3 * d), b.linear(p + "attn.out", -1, d, d),
                    b.shared(p + "ln2.weight", Parameters.Init.constant(1f), d), b.shared(p + "ln2.bias", Parameters.Init.constant(0f), d),
                    b.linear(p + "mlp.fc1", -1, d, config.ffn()), b.linear(p + "mlp.fc2", -1, config.ffn(), d)));
        }
        lnfWeight = b.shared("ln_f.weight", Parameters.Init.constant(1f), d);
        lnfBias = b.shared("ln_f.bias", Parameters.Init.constant(0f), d);
        head = b.linear("head", -1, d, config.labels());
        params = b.build(manager);
    }

    public IclModelConfig config() {
        return config;
    }

    public Parameters parameters() {
        return params;
    }

    /**
     * Logits {@code [B, T, labels]} for inputs {@code x [B, T, inputDim]} and previous labels
     * {@code yPrev [B, T, labels]} (one-hot, zero at t = 0); {@code p} are the parameter tensors
     * ({@link Parameters#leaves} or {@link Parameters#views}).
     */
    public PtNDArray forward(Graph g, PtNDArray[] p, PtNDArray x, PtNDArray yPrev) {
        long[] s = x.getShape().getShape();
        if (s.length != 3 || s[2] != config.inputDim()) {
            throw new IllegalArgumentException("x must be [B, T, " + config.inputDim() + "], got " + x.getShape());
        }
        long B = s[0], T = s[1];
        if (T > config.maxLength()) throw new IllegalArgumentException("sequence of " + T + " tokens exceeds max_length " + config.maxLength());
        int d = config.dModel(), H = config.heads(), dh = d / H;
        PtNDArray h = embed.linear(g, p, g.cat(new PtNDArray[] {x, yPrev}, 2));
        h = g.add(h, g.rows(pos.of(p), 0, T));
        PtNDArray mask = causalMask(g, T);
        PtNDArray scale = g.scalar((float) (1.0 / Math.sqrt(dh)));
        for (Block bl : blocks) {
            PtNDArray a = layerNorm(g, h, bl.ln1w.of(p), bl.ln1b.of(p));
            PtNDArray qkv = bl.qkv.linear(g, p, a);
            PtNDArray q = heads(g, g.slice(qkv, 2, 0, d), B, T, H, dh);
            PtNDArray k = heads(g, g.slice(qkv, 2, d, 2L * d), B, T, H, dh);
            PtNDArray v = heads(g, g.slice(qkv, 2, 2L * d, 3L * d), B, T, H, dh);
            PtNDArray scores = g.add(g.mul(g.matmul(q, g.transpose(k, 2, 3)), scale), mask);
            PtNDArray o = g.matmul(g.softmax(scores, 3), v);
            o = g.reshape(g.transpose(o, 1, 2), B, T, d);
            h = g.add(h, bl.out.linear(g, p, o));
            PtNDArray m = layerNorm(g, h, bl.ln2w.of(p), bl.ln2b.of(p));
            h = g.add(h, bl.fc2.linear(g, p, g.own(JniUtils.gelu(bl.fc1.linear(g, p, m)))));
        }
        return head.linear(g, p, layerNorm(g, h, lnfWeight.of(p), lnfBias.of(p)));
    }

    private static PtNDArray heads(Graph g, PtNDArray x, long B, long T, int H, int dh) {
        return g.transpose(g.reshape(x, B, T, H, dh), 1, 2);
    }

    private PtNDArray layerNorm(Graph g, PtNDArray x, PtNDArray w, PtNDArray b) {
        return g.own(JniUtils.layerNorm(x, new Shape(config.dModel()), w, b, 1e-5));
    }

    /** {@code [T, T]}: 0 where key <= query, a large negative number above the diagonal (future tokens). */
    static PtNDArray causalMask(Graph g, long T) {
        int n = Math.toIntExact(T);
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) m[i * n + j] = -1e9f;
        return g.floats(m, T, T);
    }

    /** Copies {@code values} (flat, in parameter order) into the network. */
    public void load(float[] values) {
        if (values.length != params.size()) {
            throw new IllegalArgumentException("expected " + params.size() + " parameter values, got " + values.length);
        }
        System.arraycopy(values, 0, params.values(), 0, values.length);
        params.sync();
    }

    @Override
    public void close() {
        params.close();
    }
}
