package dev.polymath.text.bert;

import dev.polymath.core.safetensors.SafetensorsCheckpoint;
import dev.polymath.core.safetensors.TensorInfo;
import dev.polymath.text.encoder.ModelLoadException;
import dev.polymath.text.encoder.OnnxInitializers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of a BERT encoder as float arrays under their Hugging Face {@code BertModel} names
 * ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.0.attention.self.query.weight}, ...), linear
 * weights as [out, in] like {@code torch.nn.Linear}. Read from an ONNX export or a safetensors checkpoint, and
 * checked against a {@link BertConfig} (every expected tensor present with its shape, nothing unexpected).
 */
public final class BertWeights {
    /** One tensor: shape and row-major data. */
    public record Tensor(long[] shape, float[] data) {
        public Tensor {
            long n = 1;
            for (long d : shape) n = Math.multiplyExact(n, d);
            if (n != data.length) throw new IllegalArgumentException(data.length + " values for shape " + Arrays.toString(shape));
        }
    }

    /** Optional tensors: kept when present (carried through to a saved checkpoint) but not used by the encoder. */
    static final List<String> OPTIONAL = List.of("pooler.dense.weight", "pooler.dense.bias");
    /** Tensors dropped on load: buffers, not parameters. */
    static final List<String> IGNORED = List.of("embeddings.position_ids");

    private final Map<String, Tensor> tensors;
    private final String label;

    public BertWeights(Map<String, Tensor> tensors, String label) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.label = label;
    }

    public Map<String, Tensor> tensors() { return tensors; }

    public Tensor get(String name) { return tensors.get(name); }

    /** Where the weights came from (a file name), for messages. */
    public String label() { return label; }

    // ---------------------------------------------------------------------------------------------- names

    /** The parameters a BERT encoder with {@code c} has, with their shapes, in a stable order (pooler excluded). */
    public static Map<String, long[]> expectedShapes(BertConfig c) {
        long h = c.hiddenSize(), i = c.intermediateSize();
        var m = new LinkedHashMap<String, long[]>();
        m.put("embeddings.word_embeddings.weight", new long[] {c.vocabSize(), h});
        m.put("embeddings.position_embeddings.weight", new long[] {c.maxPositions(), h});
        m.put("embeddings.token_type_embeddings.weight", new long[] {c.typeVocabSize(), h});
        m.put("embeddings.LayerNorm.weight", new long[] {h});
        m.put("embeddings.LayerNorm.bias", new long[] {h});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "encoder.layer." + l + ".";
            for (String qkv : List.of("query", "key", "value")) {
                m.put(p + "attention.self." + qkv + ".weight", new long[] {h, h});
                m.put(p + "attention.self." + qkv + ".bias", new long[] {h});
            }
            m.put(p + "attention.output.dense.weight", new long[] {h, h});
            m.put(p + "attention.output.dense.bias", new long[] {h});
            m.put(p + "attention.output.LayerNorm.weight", new long[] {h});
            m.put(p + "attention.output.LayerNorm.bias", new long[] {h});
            m.put(p + "intermediate.dense.weight", new long[] {i, h});
            m.put(p + "intermediate.dense.bias", new long[] {i});
            m.put(p + "output.dense.weight", new long[] {h, i});
            m.put(p + "output.dense.bias", new long[] {h});
            m.put(p + "output.LayerNorm.weight", new long[] {h});
            m.put(p + "output.LayerNorm.bias", new long[] {h});
        }
        return m;
    }

    static long[] optionalShape(BertConfig c, String name) {
        return name.endsWith(".weight") ? new long[] {c.hiddenSize(), c.hiddenSize()} : new long[] {c.hiddenSize()};
    }

    /**
     * The weighted sum {@code sum_i w_i models_i}, tensor by tensor (float64 accumulation): with weights {1 - a, a} over
     * (pretrained, fine-tuned) it is WiSE-FT's interpolation (Wortsman et al. 2022), with equal weights summing to 1 a
     * uniform model soup. The tensors are the first model's; every other model must hold each of them with its shape (the message
     * names the first that does not); tensors only the others hold are dropped.
     */
    public static BertWeights linear(List<BertWeights> models, double[] w, String label) {
        if (models.isEmpty() || models.size() != w.length) throw new IllegalArgumentException(models.size() + " models but " + w.length + " weights");
        var out = new LinkedHashMap<String, Tensor>();
        for (var e : models.get(0).tensors().entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue().shape();
            double[] acc = new double[e.getValue().data().length];
            for (int m = 0; m < models.size(); m++) {
                Tensor t = models.get(m).get(name);
                if (t == null || !Arrays.equals(t.shape(), shape)) {
                    throw new IllegalArgumentException("tensor '" + name + "' of " + models.get(m).label() + " is "
                            + (t == null ? "missing" : Arrays.toString(t.shape())) + ", expected " + Arrays.toString(shape));
                }
                float[] d = t.data();
                for (int i = 0; i < acc.length; i++) acc[i] += w[m] * d[i];
            }
            float[] f = new float[acc.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) acc[i];
            out.put(name, new Tensor(shape, f));
        }
        return new BertWeights(out, label);
    }

    /**
     * Checks the tensors against {@code c}: every expected tensor is present with its shape, optional ones have
     * theirs, and there is nothing else. The message lists every problem, naming tensors and the file.
     */
    public BertWeights validate(BertConfig c) {
        var expected = expectedShapes(c);
        var problems = new ArrayList<String>();
        for (var e : expected.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) problems.add("missing tensor '" + e.getKey() + "' " + Arrays.toString(e.getValue()));
            else if (!Arrays.equals(t.shape(), e.getValue())) {
                problems.add("tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(e.getValue()));
            }
        }
        for (var e : tensors.entrySet()) {
            String n = e.getKey();
            if (expected.containsKey(n)) continue;
            if (OPTIONAL.contains(n)) {
                long[] s = optionalShape(c, n);
                if (!Arrays.equals(e.getValue().shape(), s)) {
                    problems.add("tensor '" + n + "' has shape " + Arrays.toString(e.getValue().shape()) + ", expected " + Arrays.toString(s));
                }
                continue;
            }
            problems.add("unexpected tensor '" + n + "' " + Arrays.toString(e.getValue().shape()));
        }
        if (!problems.isEmpty()) {
            int show = Math.min(problems.size(), 12);
            throw new ModelLoadException(label + " does not match the BERT configuration (hidden " + c.hiddenSize() + ", "
                    + c.numLayers() + " layers, intermediate " + c.intermediateSize() + ", vocab " + c.vocabSize() + "): "
                    + String.join("; ", problems.subList(0, show)) + (problems.size() > show ? "; and " + (problems.size() - show) + " more" : ""));
        }
        return this;
    }

    // ---------------------------------------------------------------------------------------------- ONNX

    private static final Pattern MATMUL_NODE = Pattern.compile("^/?(.+)/MatMul(?:_\\d+)?$");

    /**
     * The weights of a BERT ONNX export: named initializers keep their names (a {@code bert.} prefix is dropped);
     * anonymous initializers consumed by a MatMul take the name of that node's place
     * ({@code /encoder/layer.3/attention/self/query/MatMul} → {@code encoder.layer.3.attention.self.query.weight})
     * and are transposed from the stored [in, out] to [out, in].
     */
    public static BertWeights fromOnnx(byte[] onnx, String label) {
        var graph = OnnxInitializers.graph(onnx, label);
        var consumers = new LinkedHashMap<String, List<OnnxInitializers.Node>>();
        for (var n : graph.nodes()) {
            for (String in : n.inputs()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        }
        var out = new LinkedHashMap<String, Tensor>();
        for (var init : graph.initializers().values()) {
            String name = init.name();
            Tensor t = new Tensor(init.dims(), init.data());
            String hf;
            if (name.startsWith("onnx::") || !name.contains(".")) {
                List<OnnxInitializers.Node> users = consumers.getOrDefault(name, List.of());
                if (users.isEmpty()) continue;    // an unused constant; not a parameter
                var matmuls = users.stream().filter(u -> u.opType().equals("MatMul")).toList();
                if (matmuls.size() != 1 || users.size() != 1 || init.dims().length != 2) {
                    throw new ModelLoadException(label + ": anonymous initializer '" + name + "' " + Arrays.toString(init.dims())
                            + " is used by " + users.stream().map(u -> u.opType() + " '" + u.name() + "'").toList()
                            + "; expected exactly one MatMul named after its layer");
                }
                Matcher m = MATMUL_NODE.matcher(matmuls.get(0).name());
                if (!m.matches()) {
                    throw new ModelLoadException(label + ": cannot name initializer '" + name + "' from its MatMul node '"
                            + matmuls.get(0).name() + "' (expected e.g. /encoder/layer.0/attention/self/query/MatMul)");
                }
                hf = m.group(1).replace('/', '.') + ".weight";
                t = transpose(t);
            } else {
                hf = name;
            }
            if (hf.startsWith("bert.")) hf = hf.substring(5);
            if (IGNORED.contains(hf)) continue;
            if (out.put(hf, t) != null) {
                throw new ModelLoadException(label + ": two initializers map to the parameter '" + hf + "'");
            }
        }
        return new BertWeights(out, label);
    }

    static Tensor transpose(Tensor t) {
        int rows = (int) t.shape()[0], cols = (int) t.shape()[1];
        float[] src = t.data(), dst = new float[src.length];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) dst[c * rows + r] = src[o + c];
        }
        return new Tensor(new long[] {cols, rows}, dst);
    }

    // ---------------------------------------------------------------------------------------------- safetensors

    /**
     * The tensors of a safetensors checkpoint (a {@code model.safetensors} file, a folder, or a sharded index),
     * named with or without the {@code bert.} prefix of task models; F32/F16/BF16 are read as float.
     */
    public static BertWeights fromSafetensors(Path path) {
        try (var ckpt = SafetensorsCheckpoint.open(path)) {
            String label = ckpt.source().toString();
            var out = new LinkedHashMap<String, Tensor>();
            for (String name : ckpt.names()) {
                String hf = name.startsWith("bert.") ? name.substring(5) : name;
                if (IGNORED.contains(hf)) continue;
                TensorInfo info = ckpt.info(name);
                if (!info.dtype().isFloat()) {
                    throw new ModelLoadException(label + ": tensor '" + name + "' has dtype " + info.dtype() + "; expected a float type");
                }
                long n = info.numel();
                if (n > Integer.MAX_VALUE - 8) throw new ModelLoadException(label + ": tensor '" + name + "' is too large (" + n + " values)");
                float[] data = new float[(int) n];
                ckpt.readFloats(name, 0, data, 0, data.length);
                if (out.put(hf, new Tensor(info.shape(), data)) != null) {
                    throw new ModelLoadException(label + ": tensor '" + hf + "' appears both with and without the 'bert.' prefix");
                }
            }
            return new BertWeights(out, label);
        }
    }
}
