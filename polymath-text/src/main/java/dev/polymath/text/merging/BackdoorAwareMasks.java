package dev.polymath.text.merging;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.polymath.core.run.Progress;
import dev.polymath.nn.Engines;
import dev.polymath.text.bert.GradMode;

import dev.polymath.text.bert.BertModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Backdoor-aware dual masks, in the spirit of DAM (Yang et al., ICLR 2025, "Mitigating the backdoor effect for
 * multi-task model merging via safety-aware subspace"; FusionBench's safe Concrete task arithmetic), for text:
 * <ul>
 *   <li>a shared Concrete mask {@code s} over the task vectors (as {@link ConcreteSubspace}, logits from 0);</li>
 *   <li>a second Concrete mask {@code b} (logits from -2, i.e. almost nothing flagged, with a penalty on its mean
 *       keep-probability) that marks parameters implicated by a trigger; the merged task vector uses
 *       {@code s * (1 - b)}, rescaled by its mean per tensor;</li>
 *   <li>a soft trigger per task: {@code triggerTokens} learnable embedding rows, placed on reserved vocabulary
 *       entries ({@code [unused*]}, never produced by the tokenizer) inserted after {@code [CLS]}, its rows clipped
 *       to twice the mean word-embedding norm.</li>
 * </ul>
 * Each step alternates as FusionBench does: (1) with the masks fixed, the trigger ascends the cross-entropy between
 * the predictions on triggered inputs and the clean predictions' argmax (it looks for an input change that flips
 * the merged model, a stand-in for the unknown trigger); (2) with the trigger fixed, the masks descend
 * {@link #maskObjective}: entropy(clean) + advWeight * entropy(triggered) (FusionBench's "regu2", advWeight 0.1),
 * plus sparsity * mean sigmoid(b). The masks must not descend the adversary's cross-entropy: it is unbounded (the
 * trigger drives it up every step) and is zero for a model that predicts one class whatever the input, so it
 * pulls the masks towards a constant prediction (on TweetEval it made every emotion tweet "anger"). Coefficients
 * stay at 0.3. The result is the hard mask {@code (s >= 0) and not (b >= 0)}.
 */
public final class BackdoorAwareMasks implements LearnedMergeMethod {
    /** First reserved token id ([unused0] in the BERT uncased vocabulary). */
    static final int FIRST_RESERVED_ID = 1;
    static final float BACKDOOR_INIT = -2f;
    static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";

    public String name() { return "dam"; }

    public String reference() { return "https://arxiv.org/abs/2410.13910 (DAM, safety-aware subspace)"; }

    /**
     * What the masks minimize for one task: mean entropy of the clean predictions plus {@code advWeight} times the
     * mean entropy of the triggered ones; bounded by {@code (1 + advWeight) ln(classes)} whatever the trigger does.
     */
    static NDArray maskObjective(NDArray cleanLogits, NDArray triggeredLogits, float advWeight) {
        return MergeProblem.entropy(cleanLogits).add(MergeProblem.entropy(triggeredLogits).mul(advWeight));
    }

    /** What the trigger maximizes for one task: cross-entropy of the triggered predictions against the clean argmax. */
    static NDArray adversaryObjective(NDArray cleanLogits, NDArray triggeredLogits) {
        return MergeProblem.crossEntropy(triggeredLogits, cleanLogits.argMax(1));
    }

    public LearnedMerge learn(MergeProblem p, LearnOptions o) {
        MergeSpace space = p.space();
        int k = space.models(), len = o.triggerTokens(), slots = k * len;
        long[] embShape = space.shape(WORD_EMBEDDINGS);
        int vocab = (int) embShape[0], hidden = (int) embShape[1];
        if (FIRST_RESERVED_ID + slots > 100) throw new IllegalArgumentException("not enough reserved tokens for " + slots + " trigger slots");
        Engines.pytorch().setRandomSeed((int) p.seed());
        try (NDManager m = space.model().newChildManager(); Progress bar = Progress.start(name(), o.steps())) {
            var maskOpt = new ArrayAdam(m);
            var advOpt = new ArrayAdam(m);
            var shared = new LinkedHashMap<String, NDArray>();
            var backdoor = new LinkedHashMap<String, NDArray>();
            for (String n : space.names()) {
                shared.put(n, maskOpt.adam("shared:" + n, m.zeros(new Shape(space.shape(n))), o.maskLr(), false));
                backdoor.put(n, maskOpt.adam("backdoor:" + n, m.full(new Shape(space.shape(n)), BACKDOOR_INIT, DataType.FLOAT32), o.maskLr(), false));
            }
            NDArray trigger = advOpt.adam("trigger", m.zeros(new Shape(slots, hidden)), o.advLr(), true);
            // scatter matrix [vocab, slots]: column j is the one-hot of reserved id FIRST_RESERVED_ID + j
            float[] scatter = new float[vocab * slots];
            for (int j = 0; j < slots; j++) scatter[(FIRST_RESERVED_ID + j) * slots + j] = 1f;
            NDArray place = m.create(scatter, new Shape(vocab, slots));
            NDArray coef = m.full(new Shape(k, 1), (float) o.init(), DataType.FLOAT32);
            float maxNorm = 2f * meanRowNorm(space.model().parameterValues(WORD_EMBEDDINGS), hidden);
            long total = 0;
            for (String n : space.names()) total += shapeSize(space.shape(n));
            final float invTotal = 1f / total;
            float t = (float) o.temperature(), advWeight = (float) o.advWeight();
            var adversary = new Learning.Trace();
            var losses = new Learning.Trace();
            var clean = new Learning.Trace();
            var triggered = new Learning.Trace();
            var withMasks = new ArrayList<NDArray>(List.of(place, coef));
            withMasks.addAll(maskOpt.arrays());
            var withTrigger = new ArrayList<NDArray>(List.of(place, coef));
            withTrigger.addAll(advOpt.arrays());
            for (int step = 0; step < o.steps(); step++) {
                final int st = step;
                // (1) the adversary on the current merge; the masks are fixed (no gradient reaches them)
                adversary.add(Learning.step(space, advOpt, withMasks, s -> {
                    var masks = sampleMasks(s.manager(), shared, backdoor, t, true);
                    var w = triggered(space.merged(s, coef, masks), place.matMul(trigger));
                    NDArray sum = null;
                    for (int task = 0; task < p.tasks(); task++) {
                        NDArray[] l = cleanAndTriggered(p, s, w, task, o.batch(), 3, st, len);
                        NDArray a = adversaryObjective(l[0], l[1]);
                        sum = sum == null ? a : sum.add(a);
                    }
                    return sum;
                }));
                clipRows(m, trigger, maxNorm);
                // (2) the masks against the trigger found so far; the trigger is fixed
                final double[] parts = new double[2];
                losses.add(Learning.step(space, maskOpt, withTrigger, s -> {
                    NDArray keepProb = null;
                    for (NDArray b : backdoor.values()) {
                        NDArray kp = ai.djl.nn.Activation.sigmoid(b).sum();
                        keepProb = keepProb == null ? kp : keepProb.add(kp);
                    }
                    var masks = sampleMasks(s.manager(), shared, backdoor, t, false);
                    var w = triggered(space.merged(s, coef, masks), place.matMul(trigger.stopGradient()));
                    NDArray loss = keepProb.mul(invTotal * (float) o.sparsity());
                    for (int task = 0; task < p.tasks(); task++) {
                        NDArray[] l = cleanAndTriggered(p, s, w, task, o.batch(), 4, st, len);
                        NDArray hc = MergeProblem.entropy(l[0]), ht = MergeProblem.entropy(l[1]);
                        parts[0] += hc.getFloat();
                        parts[1] += ht.getFloat();
                        loss = loss.add(maskObjective(l[0], l[1], advWeight));
                    }
                    return loss;
                }));
                clean.add((float) parts[0]);
                triggered.add((float) parts[1]);
                bar.step();
            }
            Map<String, float[]> hard = new LinkedHashMap<>();
            long flagged = 0;
            double minDensity = 2;
            String sparsest = "";
            for (String n : space.names()) {
                float[] sm = ConcreteMask.hard(shared.get(n).toFloatArray());
                float[] bm = ConcreteMask.hard(backdoor.get(n).toFloatArray());
                double kept = 0;
                for (int i = 0; i < sm.length; i++) {
                    if (bm[i] > 0) flagged++;
                    sm[i] *= 1f - bm[i];
                    kept += sm[i];
                }
                if (kept / sm.length < minDensity) {
                    minDensity = kept / sm.length;
                    sparsest = n;
                }
                hard.put(n, sm);
            }
            double[][] c = new double[k][1];
            for (double[] row : c) row[0] = o.init();
            var trace = new LinkedHashMap<String, Object>();
            losses.into(trace, "loss");
            clean.into(trace, "entropy_clean");
            triggered.into(trace, "entropy_triggered");
            adversary.into(trace, "adversary_ce");
            trace.put("backdoor_mask_fraction", flagged / (double) total);
            trace.put("sparsest_tensor", sparsest);
            trace.put("sparsest_tensor_density", minDensity);
            var r = new LearnedMerge(name(), space.names(), c, 1.0, hard, trace);
            trace.put("mask_density", r.maskDensity());
            return r;
        }
    }

    /** Relaxed masks {@code rescale(s * (1 - b))} per tensor; {@code fixed}: without gradient to the logits. */
    private static Map<String, NDArray> sampleMasks(NDManager sm, Map<String, NDArray> shared, Map<String, NDArray> backdoor, float t, boolean fixed) {
        var masks = new LinkedHashMap<String, NDArray>();
        for (var e : shared.entrySet()) {
            NDArray ms = ConcreteMask.sample(sm, e.getValue(), t);
            NDArray mb = ConcreteMask.sample(sm, backdoor.get(e.getKey()), t);
            NDArray mask = ConcreteMask.rescale(ms.mul(mb.neg().add(1f)));
            masks.put(e.getKey(), fixed ? mask.stopGradient() : mask);
        }
        return masks;
    }

    /** The merged weights with the soft-trigger rows ({@code rows} [vocab, hidden], zero off the reserved ids) added to the word embeddings. */
    private static Function<String, NDArray> triggered(Function<String, NDArray> merged, NDArray rows) {
        NDArray emb = merged.apply(WORD_EMBEDDINGS).add(rows);
        return n -> n.equals(WORD_EMBEDDINGS) ? emb : merged.apply(n);
    }

    /** Logits of one batch of task {@code task}, clean [0] and with the task's trigger [1], in one forward. */
    private static NDArray[] cleanAndTriggered(MergeProblem p, BertModel.Step s, Function<String, NDArray> w, int task, int batch, long purpose, int step, int len) {
        long[][] rows = p.unlabelledBatch(task, batch, purpose, step);
        long[][] both = new long[rows.length * 2][];
        for (int i = 0; i < rows.length; i++) {
            both[i] = rows[i];
            both[rows.length + i] = withTrigger(rows[i], FIRST_RESERVED_ID + task * len, len);
        }
        NDArray logits = p.logits(s, w, task, both);
        return new NDArray[] {logits.get("0:" + rows.length), logits.get(rows.length + ":")};
    }

    /** {@code row} with {@code len} ids from {@code firstId} inserted after the first token ([CLS]). */
    static long[] withTrigger(long[] row, int firstId, int len) {
        long[] out = new long[row.length + len];
        out[0] = row[0];
        for (int j = 0; j < len; j++) out[1 + j] = firstId + j;
        System.arraycopy(row, 1, out, 1 + len, row.length - 1);
        return out;
    }

    private static void clipRows(NDManager m, NDArray rows, float maxNorm) {
        try (NDManager tmp = m.newSubManager(); GradMode g = GradMode.off()) {
            rows.tempAttach(tmp);
            NDArray norms = rows.norm(new int[] {1}, true);
            NDArray scale = norms.maximum(maxNorm).pow(-1).mul(maxNorm);   // min(1, maxNorm / norm)
            rows.muli(scale);
        }
    }

    private static float meanRowNorm(float[] table, int hidden) {
        int rows = table.length / hidden;
        double s = 0;
        for (int r = 0; r < rows; r++) {
            double q = 0;
            for (int j = 0; j < hidden; j++) q += (double) table[r * hidden + j] * table[r * hidden + j];
            s += Math.sqrt(q);
        }
        return (float) (s / rows);
    }

    private static long shapeSize(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }
}
