package dev.polymath.nn.meta.icl;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.core.safetensors.DType;
import dev.polymath.core.safetensors.SafetensorsWriter;
import dev.polymath.nn.Engines;
import dev.polymath.nn.meta.Safetensors;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A meta-trained in-context learner used as an offline classifier: given demonstrations (vector, label) and
 * query vectors, it reads the demonstrations as the context {@code (x_1, -), (x_2, y_1), ...} and predicts
 * each query's label from the token {@code (query, y_n)} appended after them; queries do not see each other.
 * <p>Vectors must have the model's {@code input_dim} features, scaled as in training (each feature roughly
 * zero-mean, unit variance: a random projection {@code N(0, 1/P)} of per-feature standardized inputs);
 * labels are {@code 0..labels-1}. A model folder holds {@code config.json} and {@code model.safetensors}.
 */
public final class InContextClassifier implements AutoCloseable {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";

    private final NDManager manager;
    private final IclTransformer model;

    private InContextClassifier(NDManager manager, IclTransformer model) {
        this.manager = manager;
        this.model = model;
    }

    /** Loads {@code dir/config.json} and {@code dir/model.safetensors}. */
    public static InContextClassifier load(Path dir) {
        Path cfg = dir.resolve(CONFIG), weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(cfg)) throw new IllegalArgumentException("no " + CONFIG + " in " + dir);
        if (!Files.isRegularFile(weights)) throw new IllegalArgumentException("no " + WEIGHTS + " in " + dir);
        IclModelConfig config = IclModelConfig.read(cfg);
        Map<String, Safetensors.Tensor> tensors = Safetensors.read(weights);
        Engines.pytorch();
        NDManager manager = NDManager.newBaseManager();
        try {
            IclTransformer model = new IclTransformer(config, 0, manager);
            float[] values = new float[model.parameters().size()];
            for (Parameters.Spec s : model.parameters().specs()) {
                Safetensors.Tensor t = tensors.get(s.name());
                if (t == null) throw new IllegalArgumentException(weights + ": tensor '" + s.name() + "' is missing");
                if (!Arrays.equals(t.shape(), s.shape())) {
                    throw new IllegalArgumentException(weights + ": tensor '" + s.name() + "' has shape " + Arrays.toString(t.shape())
                            + ", config.json implies " + Arrays.toString(s.shape()));
                }
                System.arraycopy(t.values(), 0, values, s.offset(), s.size());
            }
            if (tensors.size() != model.parameters().specs().size()) {
                throw new IllegalArgumentException(weights + ": " + tensors.size() + " tensors, the model has " + model.parameters().specs().size());
            }
            model.load(values);
            return new InContextClassifier(manager, model);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Writes a trained network as {@code dir/config.json} + {@code dir/model.safetensors} (each atomically). */
    public static void save(IclTransformer model, Path dir, Map<String, String> metadata) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        var out = new ArrayList<SafetensorsWriter.Tensor>();
        float[] v = model.parameters().values();
        for (Parameters.Spec s : model.parameters().specs()) {
            out.add(SafetensorsWriter.Tensor.ofFloats(s.name(), DType.F32, s.shape(), Arrays.copyOfRange(v, s.offset(), s.offset() + s.size())));
        }
        SafetensorsWriter.write(dir.resolve(WEIGHTS), out, metadata);
        model.config().write(dir.resolve(CONFIG));
    }

    public IclModelConfig config() {
        return model.config();
    }

    /** The most probable label of each query. */
    public int[] predict(float[][] demoX, int[] demoY, float[][] queries) {
        float[][] p = probabilities(demoX, demoY, queries);
        int[] out = new int[p.length];
        for (int q = 0; q < p.length; q++) {
            int best = 0;
            for (int c = 1; c < p[q].length; c++) if (p[q][c] > p[q][best]) best = c;
            out[q] = best;
        }
        return out;
    }

    /** Label probabilities {@code [queries][labels]}, each query read after all the demonstrations. */
    public float[][] probabilities(float[][] demoX, int[] demoY, float[][] queries) {
        var prompts = new ArrayList<Prompt>(queries.length);
        for (float[] q : queries) prompts.add(new Prompt(demoX, demoY, q));
        return probabilities(prompts);
    }

    /**
     * One prompt: demonstrations (first = farthest from the query) and the query that follows them.
     *
     * @param demoX demonstration vectors, {@code input_dim} features each
     * @param demoY their labels in {@code 0..labels-1}
     */
    public record Prompt(float[][] demoX, int[] demoY, float[] query) {}

    /** Default number of prompts (of the same length) stacked into one forward pass. */
    public static final int BATCH = 256;

    /**
     * Label probabilities {@code [prompts][labels]}, each prompt with its own demonstrations. Prompts with the
     * same number of demonstrations share forward passes of up to {@value #BATCH} sequences (no padding: every
     * sequence in a pass has the same length, so each row computes what it would alone).
     */
    public float[][] probabilities(List<Prompt> prompts) {
        return probabilities(prompts, BATCH);
    }

    /** As {@link #probabilities(List)} with at most {@code maxBatch} sequences per forward pass (1: one prompt at a time). */
    public float[][] probabilities(List<Prompt> prompts, int maxBatch) {
        if (maxBatch < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + maxBatch);
        IclModelConfig c = model.config();
        int D = c.inputDim(), L = c.labels();
        var byLength = new TreeMap<Integer, List<Integer>>();
        for (int i = 0; i < prompts.size(); i++) {
            Prompt p = prompts.get(i);
            String where = "prompt " + i + ": ";
            int n = p.demoX().length;
            if (p.demoY().length != n) throw new IllegalArgumentException(where + n + " demonstration vectors but " + p.demoY().length + " labels");
            if (n + 1 > c.maxLength()) {
                throw new IllegalArgumentException(where + n + " demonstrations do not fit: the model reads at most " + (c.maxLength() - 1) + " before a query");
            }
            for (int t = 0; t < n; t++) {
                check(where + "demonstration " + t, p.demoX()[t], D);
                int y = p.demoY()[t];
                if (y < 0 || y >= L) throw new IllegalArgumentException(where + "demonstration " + t + " has label " + y + ", outside 0.." + (L - 1));
            }
            check(where + "query", p.query(), D);
            byLength.computeIfAbsent(n, k -> new ArrayList<>()).add(i);
        }
        float[][] out = new float[prompts.size()][];
        boolean was = Graph.gradMode();
        Graph.gradMode(false);
        try {
            for (var group : byLength.entrySet()) {
                int n = group.getKey(), T = n + 1;
                List<Integer> rows = group.getValue();
                for (int from = 0; from < rows.size(); from += maxBatch) {
                    int B = Math.min(maxBatch, rows.size() - from);
                    float[] x = new float[B * T * D];
                    int[][] labels = new int[B][T];
                    for (int b = 0; b < B; b++) {
                        Prompt p = prompts.get(rows.get(from + b));
                        for (int t = 0; t < n; t++) {
                            System.arraycopy(p.demoX()[t], 0, x, (b * T + t) * D, D);
                            labels[b][t] = p.demoY()[t];
                        }
                        System.arraycopy(p.query(), 0, x, (b * T + n) * D, D);
                        labels[b][n] = 0; // the query's own label is never read: y_{t-1} only feeds later tokens
                    }
                    try (Graph g = Graph.open(manager)) {
                        IclBatch batch = IclBatch.withInputs(g, g.floats(x, B, T, D), labels, L);
                        PtNDArray logits = model.forward(g, model.parameters().views(g), batch.x(), batch.yPrev());
                        PtNDArray last = g.reshape(g.slice(logits, 1, n, n + 1), B, L);
                        float[] probs = Graph.toFloats(g.softmax(last, 1));
                        for (int b = 0; b < B; b++) out[rows.get(from + b)] = Arrays.copyOfRange(probs, b * L, (b + 1) * L);
                    }
                }
            }
        } finally {
            Graph.gradMode(was);
        }
        return out;
    }

    private static void check(String what, float[] v, int dim) {
        if (v.length != dim) throw new IllegalArgumentException(what + " has " + v.length + " features, the model reads " + dim);
        for (int j = 0; j < v.length; j++) {
            if (!Float.isFinite(v[j])) throw new IllegalArgumentException(what + " has a non-finite value at feature " + j);
        }
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
