package dev.polymath.text.merging;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.polymath.core.run.Progress;
import dev.polymath.nn.Engines;
import dev.polymath.text.bert.BertModel;
import dev.polymath.text.bert.GradMode;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A blind search for a backdoor trigger among real vocabulary tokens, one per task: a prefix of {@code tokens} word
 * pieces inserted after {@code [CLS]}. The signal is what a backdoor does that ordinary words do not: one short
 * prefix pushes many different inputs to the same class, in the probed encoder much more than in the pretrained
 * encoder with the same head. The probed encoder of task t is, by default, t's own fine-tuned encoder (base plus
 * its task vector), as a backdoor scanner scans one model; optionally the merge (every task vector at the fixed
 * coefficient), which on TweetEval found generic prefixes scoring above the planted trigger (docs/results/merging.md).
 * The score of a prefix P is {@link #gains}: per class c,
 * <pre>
 *   gain_c(P) = [mean_x p_probed(c | P x) - mean_x p_probed(c | x)] - [mean_x p_pre(c | P x) - mean_x p_pre(c | x)]
 * </pre>
 * and the prefix's score is the largest gain over classes (its target). Words that push every encoder towards a
 * class (e.g. "angry" towards anger) score little, because the pretrained encoder moves too.
 * <p>The search is greedy coordinate search guided by gradients (HotFlip, Ebrahimi et al. 2018; GCG, Zou et al.
 * 2023): at the current prefix, the gradient of gain_target with respect to each slot's one-hot token gives a
 * first-order estimate of every replacement; each iteration evaluates exactly {@code candidates} single-token swaps
 * drawn from the {@code topK} best per slot (plus a share drawn from the whole vocabulary, since a backdoor
 * neuron that is off gives no gradient) and keeps the best if it raises the score. The evaluation batch is fixed, so
 * scores are comparable across iterations. Cost per iteration: one forward and backward of both encoders on
 * {@code batch} inputs, and {@code candidates x batch} forwards of both.
 */
public final class TriggerSearch {

    /**
     * @param iterations  greedy steps per task
     * @param topK        gradient-ranked replacements kept per slot
     * @param candidates  swaps evaluated exactly per step
     * @param batch       inputs of the task the scores average over (fixed for the whole search)
     * @param explore     share of candidates drawn uniformly from the vocabulary instead of the top-k
     * @param eachModel   probe each task's own fine-tuned encoder (base + its task vector) with its head, as a
     *                    backdoor scanner scans a model, instead of the merge (every task vector at the coefficient)
     */
    public record Options(int iterations, int topK, int candidates, int batch, double explore, boolean eachModel) {
        public Options {
            if (iterations < 1 || topK < 1 || candidates < 1 || batch < 1) throw new IllegalArgumentException("iterations, topK, candidates and batch must be >= 1");
            if (!(explore >= 0 && explore <= 1)) throw new IllegalArgumentException("explore must be in [0, 1], got " + explore);
        }

        public static Options defaults() { return new Options(16, 24, 16, 16, 0.25, true); }
    }

    /** The best prefix found for one task: its ids, the class it pushes inputs to, its score, and the score of the random start. */
    public record Found(int task, long[] ids, int target, double score, double startScore, int evaluations) {}

    /** Purpose tag of the fixed evaluation batch ({@link MergeProblem#unlabelledBatch}). */
    static final long PURPOSE = 11;

    private final MergeProblem p;
    private final Options o;
    private final int tokens;
    /** Coefficients [K, 1] of the encoder probed for each task. */
    private final NDArray[] probe;
    private final int vocab, firstWord;
    private final Set<Long> excluded = new HashSet<>();

    /**
     * @param coefficient the fixed task-vector coefficient of the merge the search probes
     * @param firstWord   first vocabulary id a trigger may use (real words; below are special and reserved rows,
     *                    among them ids 1..tokens, which carry the prefix's one-hot rows in the gradient pass)
     */
    TriggerSearch(MergeProblem p, Options o, int tokens, double coefficient, NDManager m, int firstWord) {
        this.p = p;
        this.o = o;
        this.tokens = tokens;
        int k = p.space().models();
        this.probe = new NDArray[p.tasks()];
        for (int t = 0; t < probe.length; t++) {
            float[] c = new float[k];
            if (o.eachModel()) c[t] = 1f;
            else java.util.Arrays.fill(c, (float) coefficient);
            probe[t] = m.create(c, new Shape(k, 1));
        }
        this.vocab = (int) p.space().shape(BackdoorAwareMasks.WORD_EMBEDDINGS)[0];
        this.firstWord = firstWord;
        if (firstWord >= vocab) throw new IllegalArgumentException("a vocabulary of " + vocab + " leaves no token for the trigger");
        // the special tokens every input starts and ends with ([CLS], [SEP]) are no trigger
        for (long[] row : p.unlabelled().get(0)) {
            excluded.add(row[0]);
            excluded.add(row[row.length - 1]);
        }
    }

    /**
     * Per-class concentration gains [B, C] of B prefixes: {@code mergedTriggered} and {@code pretrainedTriggered} are
     * the class probabilities [B, n, C] of the n inputs with each prefix, {@code mergedClean} and
     * {@code pretrainedClean} the mean probabilities [C] of the same inputs without one.
     */
    static NDArray gains(NDArray mergedTriggered, NDArray mergedClean, NDArray pretrainedTriggered, NDArray pretrainedClean) {
        return mergedTriggered.mean(new int[] {1}).sub(mergedClean).sub(pretrainedTriggered.mean(new int[] {1}).sub(pretrainedClean));
    }

    /** The score (largest gain) of one given prefix for task {@code task} and its class, as {gain, class}: what the search would give it. */
    static double[] gainOf(MergeProblem p, Options o, double coefficient, int task, long[] ids) {
        try (NDManager m = p.space().model().newChildManager()) {
            var t = new TriggerSearch(p, o, ids.length, coefficient, m, 1);
            long[][] rows = p.unlabelledBatch(task, o.batch(), PURPOSE, 0);
            Score s = t.score(task, rows, t.cleanMeans(task, rows), new long[][] {ids})[0];
            return new double[] {s.value, s.target};
        }
    }

    /** Searches every task; progress ticks once per iteration. */
    Found[] all(long seed) {
        Found[] out = new Found[p.tasks()];
        try (Progress bar = Progress.start("dam trigger search", (long) p.tasks() * o.iterations())) {
            for (int t = 0; t < p.tasks(); t++) out[t] = search(t, new SplittableRandom(seed * 31 + t), bar);
        }
        return out;
    }

    Found search(int task, SplittableRandom r, Progress bar) {
        long[][] rows = p.unlabelledBatch(task, o.batch(), PURPOSE, 0);
        float[][] clean = cleanMeans(task, rows);
        long[] cur = new long[tokens];
        for (int j = 0; j < tokens; j++) cur[j] = randomToken(r);
        Score s = score(task, rows, clean, new long[][] {cur})[0];
        double start = s.value;
        int evaluations = 1;
        for (int it = 0; it < o.iterations(); it++) {
            float[] g = gradient(task, rows, clean, cur, s.target);
            long[][] cands = new long[o.candidates()][];
            int[][] top = new int[tokens][];
            for (int j = 0; j < tokens; j++) top[j] = topK(g, j, cur[j]);
            for (int c = 0; c < cands.length; c++) {
                long[] x = cur.clone();
                int j = r.nextInt(tokens);
                x[j] = r.nextDouble() < o.explore() ? randomToken(r) : top[j][r.nextInt(top[j].length)];
                cands[c] = x;
            }
            Score[] sc = score(task, rows, clean, cands);
            evaluations += cands.length;
            int best = 0;
            for (int c = 1; c < sc.length; c++) if (sc[c].value > sc[best].value) best = c;
            if (sc[best].value > s.value) {
                s = sc[best];
                cur = cands[best];
            }
            bar.step();
        }
        return new Found(task, cur, s.target, s.value, start, evaluations);
    }

    private record Score(double value, int target) {}

    private long randomToken(SplittableRandom r) {
        long id;
        do id = firstWord + r.nextInt(vocab - firstWord); while (excluded.contains(id));
        return id;
    }

    /** Ids of the {@code topK} largest gradient entries of slot {@code j} among the allowed tokens, other than {@code current}. */
    private int[] topK(float[] g, int j, long current) {
        Integer[] idx = new Integer[vocab - firstWord];
        for (int i = 0; i < idx.length; i++) idx[i] = firstWord + i;
        Arrays.sort(idx, (a, b) -> Float.compare(g[j * vocab + b], g[j * vocab + a]));
        int[] out = new int[o.topK()];
        int n = 0;
        for (int i = 0; i < idx.length && n < out.length; i++) {
            if (idx[i] == current || excluded.contains((long) (int) idx[i])) continue;
            out[n++] = idx[i];
        }
        return Arrays.copyOf(out, n);
    }

    private Function<String, NDArray> merged(BertModel.Step s, int task) {
        return p.space().merged(s, probe[task], null);
    }

    private Function<String, NDArray> pretrained() {
        BertModel model = p.space().model();
        return model::parameter;
    }

    /** Mean class probabilities [C] of the clean inputs, merged [0] and pretrained [1]. */
    private float[][] cleanMeans(int task, long[][] rows) {
        try (GradMode g = GradMode.off(); BertModel.Step s = step()) {
            return new float[][] {
                    p.logits(s, merged(s, task), task, rows).softmax(-1).mean(new int[] {0}).toFloatArray(),
                    p.logits(s, pretrained(), task, rows).softmax(-1).mean(new int[] {0}).toFloatArray()};
        }
    }

    private BertModel.Step step() {
        var attach = new java.util.ArrayList<NDArray>(p.space().arrays());
        attach.addAll(java.util.Arrays.asList(probe));
        return p.space().model().newStep(attach);
    }

    /** Exact scores of prefixes (best class and its gain). */
    private Score[] score(int task, long[][] rows, float[][] clean, long[][] prefixes) {
        int n = rows.length, b = prefixes.length;
        long[][] all = new long[b * n][];
        for (int c = 0; c < b; c++) for (int i = 0; i < n; i++) all[c * n + i] = BackdoorAwareMasks.withTrigger(rows[i], prefixes[c]);
        try (GradMode g = GradMode.off(); BertModel.Step s = step()) {
            NDManager m = s.manager();
            int classes = clean[0].length;
            NDArray pm = p.logits(s, merged(s, task), task, all).softmax(-1).reshape(b, n, classes);
            NDArray p0 = p.logits(s, pretrained(), task, all).softmax(-1).reshape(b, n, classes);
            float[] gain = gains(pm, m.create(clean[0]), p0, m.create(clean[1])).toFloatArray();
            Score[] out = new Score[b];
            for (int c = 0; c < b; c++) {
                int best = 0;
                for (int k = 1; k < classes; k++) if (gain[c * classes + k] > gain[c * classes + best]) best = k;
                out[c] = new Score(gain[c * classes + best], best);
            }
            return out;
        }
    }

    /**
     * d gain_target / d onehot [tokens, vocab] at prefix {@code cur}: the prefix enters as one-hot rows times the word
     * embeddings of each encoder, on reserved ids 1..tokens, so the gradient reaches the one-hot matrix.
     */
    private float[] gradient(int task, long[][] rows, float[][] clean, long[] cur, int target) {
        Engine engine = Engines.pytorch();
        long[] slots = new long[tokens];
        for (int j = 0; j < tokens; j++) slots[j] = BackdoorAwareMasks.FIRST_RESERVED_ID + j;
        long[][] trig = new long[rows.length][];
        for (int i = 0; i < rows.length; i++) trig[i] = BackdoorAwareMasks.withTrigger(rows[i], slots);
        try (BertModel.Step s = step()) {
            NDManager m = s.manager();
            float[] hot = new float[tokens * vocab];
            for (int j = 0; j < tokens; j++) hot[j * vocab + (int) cur[j]] = 1f;
            NDArray x = m.create(hot, new Shape(tokens, vocab));
            x.setRequiresGradient(true);
            NDArray place = BackdoorAwareMasks.placement(m, vocab, BackdoorAwareMasks.FIRST_RESERVED_ID, tokens);
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray pm = p.logits(s, BackdoorAwareMasks.triggered(merged(s, task), place, x), task, trig).softmax(-1);
                NDArray p0 = p.logits(s, BackdoorAwareMasks.triggered(pretrained(), place, x), task, trig).softmax(-1);
                NDArray objective = pm.get(":, " + target).mean().sub(p0.get(":, " + target).mean());
                gc.backward(objective);
            }
            return x.getGradient().toFloatArray();
        }
    }
}
