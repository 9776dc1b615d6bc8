package dev.polymath.text.fewshot;

import dev.polymath.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.polymath.core.util.Seeds;
import dev.polymath.nn.Engines;
import dev.polymath.nn.meta.Learner;
import dev.polymath.nn.meta.MetaConfig;
import dev.polymath.nn.meta.Mlp;
import dev.polymath.nn.meta.Objective;
import dev.polymath.nn.meta.ProtoNet;
import dev.polymath.nn.meta.TaskBatch;
import dev.polymath.text.FloatMatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A linear map of frozen sentence embeddings, {@code normalize(x W + b)}, meta-trained as a Prototypical Network
 * ({@link ProtoNet}, episodic, squared Euclidean distance between the unit outputs scaled by {@link #SCALE}) on
 * the classes of <em>another</em> labelled set, so that class prototypes of new classes separate better. It starts
 * at the identity, i.e. at plain {@code prototype} classification, and moves only as far as the source episodes
 * pull it.
 */
public record MetaProjection(int inputs, int outputs, float[] weight, float[] bias, String source) {
    /** Unit outputs are multiplied by sqrt(SCALE / 2) inside training, so logits are about SCALE x cosine (as the prototype head's default). */
    public static final float SCALE = 20f;

    public MetaProjection {
        if (weight.length != inputs * outputs || bias.length != outputs) {
            throw new IllegalArgumentException("projection " + inputs + "x" + outputs + " needs " + inputs * outputs + " weights and "
                    + outputs + " biases, got " + weight.length + " and " + bias.length);
        }
    }

    /**
     * @param ways       classes per episode
     * @param shots      support examples per class
     * @param queries    query examples per class
     * @param tasks      episodes per meta-step
     * @param iterations meta-steps
     * @param learningRate Adam step size
     */
    public record Options(int ways, int shots, int queries, int tasks, int iterations, double learningRate) {
        public Options {
            if (ways < 2 || shots < 1 || queries < 1 || tasks < 1 || iterations < 0 || !(learningRate > 0)) {
                throw new IllegalArgumentException("bad meta-training options " + this);
            }
        }

        /** 20-way 5-shot episodes with 5 queries per class, 4 per step, 300 steps, Adam 1e-3. */
        public static Options defaults() {
            return new Options(20, 5, 5, 4, 300, 1e-3);
        }

        public Options withIterations(int v) { return new Options(ways, shots, queries, tasks, v, learningRate); }
    }

    /** The identity map (plain prototypes). */
    public static MetaProjection identity(int dim) {
        float[] w = new float[dim * dim];
        for (int i = 0; i < dim; i++) w[i * dim + i] = 1f;
        return new MetaProjection(dim, dim, w, new float[dim], "identity");
    }

    /** {@code normalize(x W + b)}, row by row. */
    public FloatMatrix apply(FloatMatrix x) {
        if (x.cols() != inputs) throw new IllegalArgumentException("embeddings have " + x.cols() + " dimensions, the projection expects " + inputs);
        float[] out = new float[x.rows() * outputs];
        double[] row = new double[outputs];
        for (int r = 0; r < x.rows(); r++) {
            for (int o = 0; o < outputs; o++) row[o] = bias[o];
            for (int i = 0; i < inputs; i++) {
                float v = x.data()[r * inputs + i];
                if (v == 0) continue;
                int off = i * outputs;
                for (int o = 0; o < outputs; o++) row[o] += v * weight[off + o];
            }
            float[] u = Prototypes.unit(row);
            System.arraycopy(u, 0, out, r * outputs, outputs);
        }
        return new FloatMatrix(x.rows(), outputs, out);
    }

    /**
     * Meta-trains the map on episodes of {@code embeddings}' classes (only classes with {@code shots + queries}
     * examples take part). Deterministic from the seed (on one thread).
     */
    public static MetaProjection train(FloatMatrix embeddings, int[] labels, String source, Options o, long seed, Consumer<String> log) {
        int d = embeddings.cols();
        int classes = 0;
        for (int l : labels) classes = Math.max(classes, l + 1);
        var members = new ArrayList<List<Integer>>();
        for (int c = 0; c < classes; c++) members.add(new ArrayList<>());
        for (int i = 0; i < labels.length; i++) members.get(labels[i]).add(i);
        var eligible = new ArrayList<Integer>();
        for (int c = 0; c < classes; c++) if (members.get(c).size() >= o.shots() + o.queries()) eligible.add(c);
        if (eligible.size() < o.ways()) {
            throw new IllegalArgumentException("meta-training source '" + source + "' has " + eligible.size() + " classes with >= "
                    + (o.shots() + o.queries()) + " examples; " + o.ways() + "-way episodes need " + o.ways());
        }
        Learner learner = new UnitLinear(d);
        var rng = new SplittableRandom(Seeds.mix(seed, "meta-projection"));
        try (NDManager root = Engines.pytorch().newBaseManager();
             var algo = new ProtoNet(learner, new MetaConfig(0f, 0, 0, (float) o.learningRate(), 0f, seed), root)) {
            double first = Double.NaN, recent = 0;
            int window = Math.max(1, Math.min(50, o.iterations() / 5));
            for (int it = 0; it < o.iterations(); it++) {
                try (NDManager m = root.newSubManager()) {
                    float loss = algo.metaStep(episodes(m, embeddings, members, eligible, o, rng));
                    if (it < window) first = it == 0 ? loss : first + (loss - first) / (it + 1);
                    recent = it < window ? first : recent + (loss - recent) / window;
                }
                if (log != null && (it + 1) % Math.max(1, o.iterations() / 5) == 0) {
                    log.accept(String.format(java.util.Locale.ROOT, "meta: step %d/%d, episode loss %.4f (first steps %.4f)",
                            it + 1, o.iterations(), recent, first));
                }
            }
            NDList p = algo.learnerParams();
            return new MetaProjection(d, d, p.get(0).toFloatArray(), p.get(1).toFloatArray(), source);
        }
    }

    /**
     * Meta-trains on the train split of {@code source} (or, when it has none, every split it has, e.g. the one split
     * a reference such as {@code clinc150:train_10} selects) embedded by {@code enc}, leaving out every class whose
     * name is in {@code exclude} (the target's labels: the target classes never take part).
     */
    public static MetaProjection train(dev.polymath.core.task.Task source, dev.polymath.text.encoder.SentenceEncoder enc,
                                       java.util.Collection<String> exclude, Options o, long seed, Consumer<String> log) {
        var excluded = new java.util.HashSet<>(exclude);
        var texts = new ArrayList<String>();
        var names = new ArrayList<String>();
        var examples = source.hasSplit(dev.polymath.core.task.Task.TRAIN) ? source.split(dev.polymath.core.task.Task.TRAIN)
                : source.splits().values().stream().flatMap(List::stream).toList();
        for (var e : examples) {
            if (excluded.contains(e.label())) continue;
            texts.add(e.text());
            names.add(e.label());
        }
        if (texts.isEmpty()) throw new IllegalArgumentException("meta-training source " + source.name() + " has no train example outside the target's classes");
        var index = LabelIndex.of(names);
        if (log != null) {
            log.accept("meta: embedding " + texts.size() + " train texts of " + source.name() + " (" + index.size() + " classes"
                    + (excluded.isEmpty() ? "" : ", target classes left out") + ")");
        }
        return train(enc.encode(texts), index.indicesOf(names), source.name(), o, seed, log);
    }

    private static TaskBatch episodes(NDManager m, FloatMatrix x, List<List<Integer>> members, List<Integer> eligible, Options o,
                                      SplittableRandom rng) {
        int d = x.cols(), t = o.tasks(), ns = o.ways() * o.shots(), nq = o.ways() * o.queries();
        float[] xs = new float[t * ns * d], xq = new float[t * nq * d];
        long[] ys = new long[t * ns], yq = new long[t * nq];
        for (int task = 0; task < t; task++) {
            int[] cls = Seeds.sampleWithoutReplacement(eligible.size(), o.ways(), rng);
            int s = task * ns, q = task * nq;
            for (int w = 0; w < o.ways(); w++) {
                var mem = members.get(eligible.get(cls[w]));
                int[] pick = Seeds.sampleWithoutReplacement(mem.size(), o.shots() + o.queries(), rng);
                for (int k = 0; k < pick.length; k++) {
                    int row = mem.get(pick[k]);
                    if (k < o.shots()) {
                        x.copyRow(row, xs, s * d);
                        ys[s++] = w;
                    } else {
                        x.copyRow(row, xq, q * d);
                        yq[q++] = w;
                    }
                }
            }
        }
        return new TaskBatch(m.create(xs, new Shape(t, ns, d)), m.create(ys, new Shape(t, ns)),
                m.create(xq, new Shape(t, nq, d)), m.create(yq, new Shape(t, nq)));
    }

    /** A linear layer (identity at start) whose outputs are L2-normalized and scaled by sqrt(SCALE / 2). */
    private static final class UnitLinear implements Learner {
        private final Mlp linear;
        private final int dim;

        UnitLinear(int dim) {
            this.dim = dim;
            this.linear = new Mlp(Objective.CROSS_ENTROPY, dim, dim);
        }

        @Override public String describe() { return "unit-normalized linear " + dim + "-" + dim; }
        @Override public List<String> names() { return linear.names(); }
        @Override public int baseRank(int i) { return linear.baseRank(i); }
        @Override public int headStart() { return 0; }
        @Override public Objective objective() { return Objective.CROSS_ENTROPY; }

        @Override
        public NDList init(NDManager manager, long seed) {
            var id = identity(dim);
            return new NDList(manager.create(id.weight, new Shape(dim, dim)), manager.create(id.bias, new Shape(dim)));
        }

        @Override
        public NDArray forward(NDList params, NDArray x) {
            return Scalars.mul(linear.forward(params, x).normalize(2, -1, 1e-12), (float) Math.sqrt(SCALE / 2));
        }
    }
}
