package dev.polymath.text.bert;

import dev.polymath.nn.Scalars;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import dev.polymath.nn.Engines;
import dev.polymath.text.encoder.Pooling;
import dev.polymath.text.encoder.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A BERT encoder on DJL's PyTorch engine, written out op by op: embeddings (word + position + token type 0,
 * LayerNorm), {@code numLayers} post-LN encoder layers (multi-head self-attention with the attention mask,
 * dense + residual + LayerNorm, GELU feed-forward, dense + residual + LayerNorm), then mean (or CLS) pooling and
 * optional L2 normalization, the sentence-transformers recipe.
 *
 * <p>Parameters are NDArrays under their Hugging Face names, owned by a manager that this model owns and closes.
 * All computation happens inside a {@link Step}: a sub-manager to which the parameters are temporarily attached,
 * so that every intermediate (activations, gradient views, optimizer temporaries) is freed when the step closes
 * and native memory stays flat. One step may be open at a time; a model is used by one thread at a time.
 *
 * <p>Training: open a step, run {@link #pooled} with {@code training = true} under DJL's {@code GradientCollector},
 * call backward; parameters that are not frozen collect gradients ({@link BertTrainer} does all of this with
 * AdamW). Freezing is by layer or name pattern; {@link #enableLora} adds low-rank adapters and freezes the base.
 */
public final class BertModel implements AutoCloseable {
    private static final float MASK_BIAS = -1e9f;

    private final BertConfig config;
    private final NDManager manager;
    private final LinkedHashMap<String, NDArray> params = new LinkedHashMap<>();
    private final Set<String> frozen = new HashSet<>();
    private final LinkedHashMap<String, Adapter> lora = new LinkedHashMap<>();
    private LoraConfig loraConfig;
    /** bf16 copies of the linear layers for {@link Precision#BF16} inference, made on first use; {@code bf16Version} is the weights' version they copy. */
    private Bf16Linears bf16;
    private long bf16Version = -1;
    private Step open;
    private long version;
    private boolean closed;

    /** One low-rank adapter on the projection {@code module}: A [r, in], B [out, r]. */
    private record Adapter(NDArray a, NDArray b, float scale) {}

    private BertModel(BertConfig config, Map<String, BertWeights.Tensor> tensors, int threads) {
        this.config = config;
        Engine engine = Engines.pytorch(threads);
        this.manager = engine.newBaseManager();
        try {
            for (var e : tensors.entrySet()) {
                NDArray p = manager.create(e.getValue().data(), new Shape(e.getValue().shape()));
                p.setName(e.getKey());
                p.setRequiresGradient(true);
                params.put(e.getKey(), p);
            }
            // The pooler is carried (to be saved again) but never used: it would get no gradient.
            for (String opt : BertWeights.OPTIONAL) {
                NDArray p = params.get(opt);
                if (p != null) {
                    frozen.add(opt);
                    p.setRequiresGradient(false);
                }
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** A model with {@code weights} (validated against {@code config}), on the PyTorch engine with {@code threads} threads. */
    public static BertModel create(BertConfig config, BertWeights weights, int threads) {
        weights.validate(config);
        return new BertModel(config, weights.tensors(), threads);
    }

    /** A randomly initialised model (normal(0, 0.02) weights, unit LayerNorms, zero biases), for tests. */
    public static BertModel random(BertConfig config, long seed, int threads) {
        var rnd = new SplittableRandom(seed);
        var tensors = new LinkedHashMap<String, BertWeights.Tensor>();
        for (var e : BertWeights.expectedShapes(config).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) n *= d;
            float[] data = new float[(int) n];
            String name = e.getKey();
            if (name.contains("LayerNorm.weight")) Arrays.fill(data, 1f);
            else if (!name.endsWith(".bias")) for (int i = 0; i < data.length; i++) data[i] = (float) (gaussian(rnd) * 0.02);
            tensors.put(name, new BertWeights.Tensor(e.getValue(), data));
        }
        return new BertModel(config, tensors, threads);
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1.0 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    public BertConfig config() { return config; }

    /** Bumped whenever the weights change (optimizer step, LoRA merge, parameter set). */
    public long version() { return version; }

    void bumpVersion() { version++; }

    // ------------------------------------------------------------------------------------------ steps

    /**
     * A scope for one forward (and backward, and update): a sub-manager of the model's manager to which the
     * parameters, adapters and {@code extra} arrays (optimizer state) are attached until it closes, so everything
     * computed inside is freed with it while the parameters return to the model.
     */
    public final class Step implements AutoCloseable {
        private final NDManager stepManager;

        private Step(Collection<NDArray> extra) {
            stepManager = manager.newSubManager();
            for (NDArray p : params.values()) p.tempAttach(stepManager);
            for (Adapter a : lora.values()) {
                a.a().tempAttach(stepManager);
                a.b().tempAttach(stepManager);
            }
            for (NDArray x : extra) x.tempAttach(stepManager);
        }

        /** The step's manager: create inputs here; results live here until the step closes. */
        public NDManager manager() { return stepManager; }

        public BertModel model() { return BertModel.this; }

        @Override
        public void close() {
            try {
                stepManager.close();
            } finally {
                open = null;
            }
        }
    }

    /** Opens a {@link Step}; fails if one is open already. */
    public Step newStep() {
        return newStep(List.of());
    }

    /** Opens a {@link Step} that also holds {@code extra} (arrays of the model's manager tree, e.g. optimizer state). */
    public Step newStep(Collection<NDArray> extra) {
        ensureOpen();
        if (open != null) throw new IllegalStateException("a step of this model is already open; close it first (one thread, one step at a time)");
        open = new Step(extra);
        return open;
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("model is closed");
    }

    private void requireStep(Step s) {
        if (s == null || s != open) throw new IllegalStateException("compute inside an open step of this model (newStep())");
    }

    /** A manager for long-lived arrays owned by something attached to this model (e.g. optimizer state). */
    public NDManager newChildManager() {
        ensureOpen();
        return manager.newSubManager();
    }

    // ------------------------------------------------------------------------------------------ inputs

    /** Token ids padded with 0 to the longest row, as an int64 [batch, seq] array in the step's manager. */
    public static NDArray ids(Step s, long[][] rows) {
        int seq = longest(rows);
        long[] flat = new long[rows.length * seq];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * seq, rows[i].length);
        return s.manager().create(flat, new Shape(rows.length, seq));
    }

    /** 1 for real tokens and 0 for padding, float32 [batch, seq], padded to the longest row. */
    public static NDArray mask(Step s, long[][] rows) {
        int seq = longest(rows);
        float[] flat = new float[rows.length * seq];
        for (int i = 0; i < rows.length; i++) Arrays.fill(flat, i * seq, i * seq + rows[i].length, 1f);
        return s.manager().create(flat, new Shape(rows.length, seq));
    }

    private static int longest(long[][] rows) {
        if (rows.length == 0) throw new IllegalArgumentException("empty batch");
        int seq = 0;
        for (long[] r : rows) {
            if (r.length == 0) throw new IllegalArgumentException("a sequence has no tokens");
            seq = Math.max(seq, r.length);
        }
        return seq;
    }

    // ------------------------------------------------------------------------------------------ forward

    /** The last hidden state [batch, seq, hidden] of {@code ids} (int64 [batch, seq]) with {@code mask} (float [batch, seq]). */
    public NDArray hidden(Step s, NDArray ids, NDArray mask, boolean training) {
        return hidden(s, ids, mask, training, this::p);
    }

    /**
     * {@link #hidden} with every base parameter taken from {@code weights} (by Hugging Face name) instead of the
     * model's own: the forward of learned merging, where the weights are computed in the step from merge
     * coefficients and masks, so gradients flow to those. LoRA adapters, if any, are still added.
     */
    public NDArray hidden(Step s, NDArray ids, NDArray mask, boolean training, Function<String, NDArray> weights) {
        return hidden(s, ids, mask, training, weights, null);
    }

    /** The forward; with {@code bf16} non-null its copies replace the linear layers' weights (inference only). */
    private NDArray hidden(Step s, NDArray ids, NDArray mask, boolean training, Function<String, NDArray> weights, Bf16Linears bf16) {
        requireStep(s);
        Function<String, NDArray> p = weights;
        long batch = ids.getShape().get(0), seq = ids.getShape().get(1);
        if (seq > config.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + seq + " tokens exceeds the " + config.maxPositions() + " positions of the model");
        }
        int h = config.hiddenSize(), heads = config.numHeads(), d = config.headSize();
        float eps = (float) config.layerNormEps();
        Shape hShape = new Shape(h);

        // Every intermediate is closed as soon as it has been used: autograd keeps its own references to what backward
        // needs, and the rest (about half of a training forward, e.g. the pre-softmax scores and the un-added LoRA
        // branches) is freed at once instead of living in the step manager until the step ends.
        NDArray x = Embedding.embedding(ids, p.apply("embeddings.word_embeddings.weight"), SparseFormat.DENSE).singletonOrThrow();
        try (NDArray pos = p.apply("embeddings.position_embeddings.weight").get(new NDIndex("0:" + seq))) {
            x = closing(x, x.add(pos));
        }
        try (NDArray type = p.apply("embeddings.token_type_embeddings.weight").get(0)) {
            x = closing(x, x.add(type));
        }
        x = closing(x, LayerNorm.layerNorm(x, hShape, p.apply("embeddings.LayerNorm.weight"), p.apply("embeddings.LayerNorm.bias"), eps).singletonOrThrow());
        x = closing(x, dropout(x, config.hiddenDropout(), training));

        // [batch, 1, 1, seq]: 0 where attended, a large negative number on padding.
        NDArray bias;
        try (NDArray m1 = mask.sub(1f); NDArray mb = m1.mul(-MASK_BIAS)) {
            bias = mb.reshape(batch, 1, 1, seq);
        }
        float scale = (float) (1.0 / Math.sqrt(d));
        for (int l = 0; l < config.numLayers(); l++) {
            String pre = "encoder.layer." + l + ".";
            NDArray q = closing(linear(x, pre + "attention.self.query", p, bf16), a -> splitHeads(a, batch, seq, heads, d, 0, 2, 1, 3));
            NDArray k = closing(linear(x, pre + "attention.self.key", p, bf16), a -> splitHeads(a, batch, seq, heads, d, 0, 2, 3, 1));
            NDArray v = closing(linear(x, pre + "attention.self.value", p, bf16), a -> splitHeads(a, batch, seq, heads, d, 0, 2, 1, 3));
            NDArray scores = q.matMul(k);
            q.close();
            k.close();
            scores = closing(scores, Scalars.mul(scores, scale));
            scores = closing(scores, scores.add(bias));
            NDArray probs = closing(scores, scores.softmax(-1));
            probs = closing(probs, dropout(probs, config.attentionDropout(), training));
            NDArray ctx = probs.matMul(v);
            probs.close();
            v.close();
            try (NDArray perm = ctx.transpose(0, 2, 1, 3)) { // a view: closed too, or it would keep ctx's storage alive
                ctx = closing(ctx, perm.reshape(batch, seq, h));
            }
            NDArray attn = closing(ctx, linear(ctx, pre + "attention.output.dense", p, bf16));
            x = dropoutAddNorm(attn, x, pre + "attention.output.LayerNorm", p, training);
            NDArray inter = closing(linear(x, pre + "intermediate.dense", p, bf16), Activation::gelu);
            NDArray out = closing(inter, linear(inter, pre + "output.dense", p, bf16));
            x = dropoutAddNorm(out, x, pre + "output.LayerNorm", p, training);
        }
        bias.close();
        return x;
    }

    /** {@code LayerNorm(dropout(branch) + residual)} with the LayerNorm {@code norm}; {@code branch} and {@code residual} are closed. */
    private NDArray dropoutAddNorm(NDArray branch, NDArray residual, String norm, Function<String, NDArray> p, boolean training) {
        NDArray y = closing(branch, dropout(branch, config.hiddenDropout(), training));
        y = closing(y, y.add(residual));
        residual.close();
        return closing(y, LayerNorm.layerNorm(y, new Shape(config.hiddenSize()), p.apply(norm + ".weight"), p.apply(norm + ".bias"),
                (float) config.layerNormEps()).singletonOrThrow());
    }

    /** {@code a} [batch, seq, heads x d] as [batch, seq, heads, d] permuted to {@code axes} (the reshaped view is closed). */
    private static NDArray splitHeads(NDArray a, long batch, long seq, int heads, int d, int... axes) {
        try (NDArray r = a.reshape(batch, seq, heads, d)) {
            return r.transpose(axes);
        }
    }

    /** {@code next} (computed from {@code used}), closing {@code used} unless it is {@code next} itself (a no-op dropout). */
    private static NDArray closing(NDArray used, NDArray next) {
        if (next != used) used.close();
        return next;
    }

    /** {@code op} applied to {@code used}, which is then closed (unless {@code op} returned it). */
    private static NDArray closing(NDArray used, java.util.function.UnaryOperator<NDArray> op) {
        return closing(used, op.apply(used));
    }

    /** Sentence vectors [batch, hidden]: {@code pooling} of {@link #hidden}, L2-normalized when {@code normalize}. */
    public NDArray pooled(Step s, NDArray ids, NDArray mask, Pooling pooling, boolean normalize, boolean training) {
        return pooled(s, ids, mask, pooling, normalize, training, this::p);
    }

    /** {@link #pooled} over externally supplied base weights (see {@link #hidden(Step, NDArray, NDArray, boolean, Function)}). */
    public NDArray pooled(Step s, NDArray ids, NDArray mask, Pooling pooling, boolean normalize, boolean training,
                          Function<String, NDArray> weights) {
        return pool(hidden(s, ids, mask, training, weights), mask, pooling, normalize);
    }

    private NDArray pool(NDArray x, NDArray mask, Pooling pooling, boolean normalize) {
        NDArray v;
        if (pooling == Pooling.CLS) {
            v = closing(x, x.get(new NDIndex(":, 0, :")));
        } else {
            NDArray sum;
            try (NDArray m = mask.expandDims(-1); NDArray masked = x.mul(m)) {
                sum = masked.sum(new int[] {1});
            }
            x.close();
            try (NDArray count = mask.sum(new int[] {1}, true); NDArray floor = Scalars.maximum(count, 1e-9f)) {
                v = closing(sum, sum.div(floor));
            }
        }
        return normalize ? closing(v, v.normalize(2, 1, 1e-12)) : v;
    }

    /** Mean-pooled, L2-normalized sentence vectors of token-id rows (the all-MiniLM-L6-v2 recipe). */
    public NDArray embed(Step s, long[][] rows, boolean training) {
        return pooled(s, ids(s, rows), mask(s, rows), Pooling.MEAN, true, training);
    }

    /** Inference: sentence vectors of {@code rows} as a flat [rows x hidden] array (no gradients recorded). */
    public float[] encode(long[][] rows, Pooling pooling, boolean normalize) {
        return encode(rows, pooling, normalize, Precision.FP32);
    }

    /**
     * Inference in {@code precision}. {@link Precision#BF16}: the linear layers run on bf16 copies of their weights
     * (made on first use and again after the weights change), with inputs and outputs rounded to bf16 and float32 accumulation;
     * LoRA adapters, attention, LayerNorm, GELU and pooling stay float32.
     */
    public float[] encode(long[][] rows, Pooling pooling, boolean normalize, Precision precision) {
        try (GradMode g = GradMode.off()) {
            Bf16Linears lin = precision == Precision.BF16 ? bf16Linears() : null;
            try (Step s = newStep()) {
                NDArray mask = mask(s, rows);
                return pool(hidden(s, ids(s, rows), mask, false, this::p, lin), mask, pooling, normalize).toFloatArray();
            }
        }
    }

    private Bf16Linears bf16Linears() {
        ensureOpen();
        if (bf16 == null || bf16Version != version) {
            if (bf16 != null) bf16.close();
            bf16 = null;
            var modules = new ArrayList<String>();
            for (int l = 0; l < config.numLayers(); l++) {
                for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                        "intermediate.dense", "output.dense")) {
                    modules.add("encoder.layer." + l + "." + m);
                }
            }
            bf16 = new Bf16Linears(manager, modules, this::p);
            bf16Version = version;
        }
        return bf16;
    }

    private NDArray linear(NDArray x, String module, Function<String, NDArray> p, Bf16Linears bf16) {
        NDArray y = bf16 != null ? bf16.linear(x, module)
                : Linear.linear(x, p.apply(module + ".weight"), p.apply(module + ".bias")).singletonOrThrow();
        Adapter a = lora.get(module);
        if (a != null) {
            NDArray low = closing(Linear.linear(x, a.a()).singletonOrThrow(), down -> Linear.linear(down, a.b()).singletonOrThrow());
            NDArray scaled = closing(low, Scalars.mul(low, a.scale()));
            y = closing(y, y.add(scaled));
            scaled.close();
        }
        return y;
    }

    private static NDArray dropout(NDArray x, double p, boolean training) {
        if (!training || p <= 0) return x;
        return Dropout.dropout(x, (float) p, true).singletonOrThrow();
    }

    private NDArray p(String name) {
        NDArray a = params.get(name);
        if (a == null) throw new IllegalStateException("no parameter '" + name + "'");
        return a;
    }

    // ------------------------------------------------------------------------------------------ parameters

    /** Parameter names (Hugging Face naming, base weights only), in load order. */
    public List<String> parameterNames() {
        return List.copyOf(params.keySet());
    }

    /** The base parameter {@code name} (owned by the model: do not close). */
    public NDArray parameter(String name) {
        return p(name);
    }

    /** A copy of the base parameter's values (adapters not merged). */
    public float[] parameterValues(String name) {
        return p(name).toFloatArray();
    }

    public long[] parameterShape(String name) {
        return p(name).getShape().getShape();
    }

    /** Replaces the values of base parameter {@code name}. */
    public void setParameter(String name, float[] values) {
        NDArray a = p(name);
        if (values.length != a.size()) throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + a.getShape());
        try (GradMode g = GradMode.off()) {
            a.set(java.nio.FloatBuffer.wrap(values));
        }
        version++;
    }

    /** Parameters that receive gradients: unfrozen base parameters, then adapter matrices ({@code <module>.lora_A.weight}, {@code .lora_B.weight}). */
    public Map<String, NDArray> trainableParameters() {
        var out = new LinkedHashMap<String, NDArray>();
        for (var e : params.entrySet()) if (!frozen.contains(e.getKey())) out.put(e.getKey(), e.getValue());
        for (var e : lora.entrySet()) {
            out.put(e.getKey() + ".lora_A.weight", e.getValue().a());
            out.put(e.getKey() + ".lora_B.weight", e.getValue().b());
        }
        return out;
    }

    public boolean isFrozen(String name) {
        return frozen.contains(name);
    }

    /** Freezes every base parameter whose name matches {@code which}; returns how many matched. */
    public int freeze(Predicate<String> which) {
        return setFrozen(which, true);
    }

    /** Unfreezes every base parameter whose name matches {@code which}; returns how many matched. */
    public int unfreeze(Predicate<String> which) {
        return setFrozen(which, false);
    }

    /** Freezes base parameters whose name matches the regular expression {@code regex} (e.g. {@code .*LayerNorm.*}). */
    public int freezeMatching(String regex) {
        Pattern p = Pattern.compile(regex);
        return freeze(n -> p.matcher(n).matches());
    }

    /** Freezes the embeddings (word, position, token type and their LayerNorm). */
    public int freezeEmbeddings() {
        return freeze(n -> n.startsWith("embeddings."));
    }

    /** Freezes encoder layer {@code layer} (0-based). */
    public int freezeLayer(int layer) {
        if (layer < 0 || layer >= config.numLayers()) throw new IllegalArgumentException("layer " + layer + " out of [0, " + config.numLayers() + ")");
        String pre = "encoder.layer." + layer + ".";
        return freeze(n -> n.startsWith(pre));
    }

    /** Freezes the embeddings and the first {@code layers} encoder layers. */
    public void freezeBelow(int layers) {
        freezeEmbeddings();
        for (int l = 0; l < layers; l++) freezeLayer(l);
    }

    private int setFrozen(Predicate<String> which, boolean freeze) {
        ensureOpen();
        int n = 0;
        for (var e : params.entrySet()) {
            if (!which.test(e.getKey()) || (!freeze && BertWeights.OPTIONAL.contains(e.getKey()))) continue;
            n++;
            if (freeze ? frozen.add(e.getKey()) : frozen.remove(e.getKey())) e.getValue().setRequiresGradient(!freeze);
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------ LoRA

    /**
     * Adds adapters to the {@code cfg.targets()} projections of every layer and freezes every base parameter, so
     * that only the adapters train. At init the model computes exactly what it did before (B = 0).
     */
    public void enableLora(LoraConfig cfg) {
        ensureOpen();
        if (!lora.isEmpty()) throw new IllegalStateException("LoRA adapters are already enabled; merge or remove them first");
        if (open != null) throw new IllegalStateException("cannot add adapters while a step is open");
        var rnd = new SplittableRandom(cfg.seed());
        float scale = (float) cfg.scale();
        for (int l = 0; l < config.numLayers(); l++) {
            for (LoraConfig.Target t : LoraConfig.Target.values()) {
                if (!cfg.targets().contains(t)) continue;
                String module = "encoder.layer." + l + "." + t.module();
                long[] w = parameterShape(module + ".weight");
                int out = (int) w[0], in = (int) w[1];
                float bound = (float) (1.0 / Math.sqrt(in));
                float[] a = new float[cfg.rank() * in];
                for (int i = 0; i < a.length; i++) a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                NDArray aa = manager.create(a, new Shape(cfg.rank(), in));
                NDArray bb = manager.zeros(new Shape(out, cfg.rank()), DataType.FLOAT32);
                aa.setName(module + ".lora_A.weight");
                bb.setName(module + ".lora_B.weight");
                aa.setRequiresGradient(true);
                bb.setRequiresGradient(true);
                lora.put(module, new Adapter(aa, bb, scale));
            }
        }
        loraConfig = cfg;
        freeze(n -> true);
    }

    public boolean hasLora() {
        return !lora.isEmpty();
    }

    public LoraConfig loraConfig() {
        return loraConfig;
    }

    /** The adapter matrices, {@code <module>.lora_A.weight} [r, in] and {@code .lora_B.weight} [out, r], as float copies. */
    public Map<String, BertWeights.Tensor> loraTensors() {
        var out = new LinkedHashMap<String, BertWeights.Tensor>();
        for (var e : lora.entrySet()) {
            out.put(e.getKey() + ".lora_A.weight", new BertWeights.Tensor(e.getValue().a().getShape().getShape(), e.getValue().a().toFloatArray()));
            out.put(e.getKey() + ".lora_B.weight", new BertWeights.Tensor(e.getValue().b().getShape().getShape(), e.getValue().b().toFloatArray()));
        }
        return out;
    }

    /**
     * Folds every adapter into its base weight ({@code W += (alpha/r) B A}) and removes the adapters. Frozen
     * flags stay as they are (the base stays frozen until {@link #unfreeze}).
     */
    public void mergeLora() {
        ensureOpen();
        if (open != null) throw new IllegalStateException("cannot merge adapters while a step is open");
        try (GradMode g = GradMode.off(); Step s = newStep()) {
            for (var e : lora.entrySet()) {
                Adapter a = e.getValue();
                p(e.getKey() + ".weight").addi(a.b().matMul(a.a()).mul(a.scale()));
            }
        }
        for (Adapter a : lora.values()) {
            a.a().close();
            a.b().close();
        }
        lora.clear();
        loraConfig = null;
        version++;
    }

    /** Removes the adapters without merging them. */
    public void removeLora() {
        if (open != null) throw new IllegalStateException("cannot remove adapters while a step is open");
        for (Adapter a : lora.values()) {
            a.a().close();
            a.b().close();
        }
        lora.clear();
        loraConfig = null;
        version++;
    }

    /**
     * The weights as they would be used, under Hugging Face names: base parameters with every adapter merged in
     * (the model itself is not changed).
     */
    public BertWeights exportWeights() {
        ensureOpen();
        var out = new LinkedHashMap<String, BertWeights.Tensor>();
        try (GradMode g = GradMode.off(); Step s = newStep()) {
            for (var e : params.entrySet()) {
                String name = e.getKey();
                NDArray v = e.getValue();
                if (name.endsWith(".weight")) {
                    Adapter a = lora.get(name.substring(0, name.length() - ".weight".length()));
                    if (a != null) v = v.add(a.b().matMul(a.a()).mul(a.scale()));
                }
                out.put(name, new BertWeights.Tensor(v.getShape().getShape(), v.toFloatArray()));
            }
        }
        return new BertWeights(out, "polymath BertModel");
    }

    /** Number of values in the base parameters. */
    public long parameterCount() {
        long n = 0;
        for (NDArray a : params.values()) n += a.size();
        return n;
    }

    /** Number of values that receive gradients. */
    public long trainableCount() {
        long n = 0;
        for (NDArray a : trainableParameters().values()) n += a.size();
        return n;
    }

    /** Arrays held by the model's manager tree right now (parameters, adapters, optimizer state): constant between steps. */
    public int liveArrays() {
        return countArrays(manager);
    }

    private static int countArrays(NDManager m) {
        return m.getManagedArrays().size();
    }

    Collection<NDArray> allArrays() {
        var all = new ArrayList<NDArray>(params.values());
        for (Adapter a : lora.values()) {
            all.add(a.a());
            all.add(a.b());
        }
        return Collections.unmodifiableList(all);
    }

    @Override
    public void close() {
        if (closed) return;
        if (open != null) open.close();
        closed = true;
        manager.close();
    }
}
