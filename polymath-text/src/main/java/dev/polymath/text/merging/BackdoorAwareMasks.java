package dev.polymath.text.merging;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.polymath.core.run.Progress;
import dev.polymath.nn.Engines;
import dev.polymath.text.bert.GradMode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backdoor-aware dual masks, in the spirit of DAM (Yang et al., ICLR 2025, "Mitigating the backdoor effect for
 * multi-task model merging via safety-aware subspace"; FusionBench's safe Concrete task arithmetic), for text:
 * <ul>
 *   <li>a shared Concrete mask {@code s} over the task vectors (as {@link ConcreteSubspace}, logits from 0);</li>
 *   <li>a second Concrete mask {@code b} (logits from -2, i.e. almost nothing flagged, with a penalty on its mean
 *       keep-probability) that marks parameters implicated by a trigger; the merged task vector uses
 *       {@code s * (1 - b)}, rescaled by its mean per tensor;</li>
 *   <li>a soft trigger per task: {@code triggerTokens} learnable embedding rows, placed on reserved vocabulary
 *       entries ({@code [unused*]}, never produced by the tokenizer) inserted after {@code [CLS]}; an adversary
 *       that maximizes the cross-entropy between the predictions on triggered and clean inputs (a stand-in for
 *       the unknown trigger), its rows clipped to twice the mean word-embedding norm.</li>
 * </ul>
 * Loss for the masks: sum over tasks of entropy(clean) + advWeight * CE(triggered, argmax clean) +
 * sparsity * mean sigmoid(b). DAM alternates the adversary's and the masks' updates; here both come from one
 * backward (the trigger ascends, the masks descend), which halves the forward passes. Coefficients stay at 0.3.
 * The result is the hard mask {@code (s >= 0) and not (b >= 0)}.
 */
public final class BackdoorAwareMasks implements LearnedMergeMethod {
    /** First reserved token id ([unused0] in the BERT uncased vocabulary). */
    static final int FIRST_RESERVED_ID = 1;
    static final float BACKDOOR_INIT = -2f;

    public String name() { return "dam"; }

    public String reference() { return "https://arxiv.org/abs/2410.13910 (DAM, safety-aware subspace)"; }

    public LearnedMerge learn(MergeProblem p, LearnOptions o) {
        MergeSpace space = p.space();
        int k = space.models(), len = o.triggerTokens(), slots = k * len;
        String wordEmb = "embeddings.word_embeddings.weight";
        long[] embShape = space.shape(wordEmb);
        int vocab = (int) embShape[0], hidden = (int) embShape[1];
        if (FIRST_RESERVED_ID + slots > 100) throw new IllegalArgumentException("not enough reserved tokens for " + slots + " trigger slots");
        Engines.pytorch().setRandomSeed((int) p.seed());
        try (NDManager m = space.model().newChildManager(); Progress bar = Progress.start(name(), o.steps())) {
            var opt = new ArrayAdam(m);
            var shared = new LinkedHashMap<String, NDArray>();
            var backdoor = new LinkedHashMap<String, NDArray>();
            for (String n : space.names()) {
                shared.put(n, opt.adam("shared:" + n, m.zeros(new Shape(space.shape(n))), o.maskLr(), false));
                backdoor.put(n, opt.adam("backdoor:" + n, m.full(new Shape(space.shape(n)), BACKDOOR_INIT, DataType.FLOAT32), o.maskLr(), false));
            }
            NDArray trigger = opt.adam("trigger", m.zeros(new Shape(slots, hidden)), o.advLr(), true);
            // scatter matrix [vocab, slots]: column j is the one-hot of reserved id FIRST_RESERVED_ID + j
            float[] scatter = new float[vocab * slots];
            for (int j = 0; j < slots; j++) scatter[(FIRST_RESERVED_ID + j) * slots + j] = 1f;
            NDArray place = m.create(scatter, new Shape(vocab, slots));
            NDArray coef = m.full(new Shape(k, 1), (float) o.init(), DataType.FLOAT32);
            float maxNorm = 2f * meanRowNorm(space.model().parameterValues(wordEmb), hidden);
            long total = 0;
            for (String n : space.names()) total += shapeSize(space.shape(n));
            final float invTotal = 1f / total;
            var losses = new Learning.Trace();
            for (int step = 0; step < o.steps(); step++) {
                final int st = step;
                losses.add(Learning.step(space, opt, List.of(place, coef), s -> {
                    float t = (float) o.temperature();
                    var masks = new LinkedHashMap<String, NDArray>();
                    NDArray keepProb = null;
                    for (String n : space.names()) {
                        NDArray ms = ConcreteMask.sample(s.manager(), shared.get(n), t);
                        NDArray mb = ConcreteMask.sample(s.manager(), backdoor.get(n), t);
                        masks.put(n, ConcreteMask.rescale(ms.mul(mb.neg().add(1f))));
                        NDArray kp = ai.djl.nn.Activation.sigmoid(backdoor.get(n)).sum();
                        keepProb = keepProb == null ? kp : keepProb.add(kp);
                    }
                    var merged = space.merged(s, coef, masks);
                    NDArray emb = merged.apply(wordEmb).add(place.matMul(trigger));
                    java.util.function.Function<String, NDArray> w = n -> n.equals(wordEmb) ? emb : merged.apply(n);
                    NDArray loss = keepProb.mul(invTotal * (float) o.sparsity());
                    for (int task = 0; task < p.tasks(); task++) {
                        long[][] clean = p.unlabelledBatch(task, o.batch(), 3, st);
                        long[][] both = new long[clean.length * 2][];
                        for (int i = 0; i < clean.length; i++) {
                            both[i] = clean[i];
                            both[clean.length + i] = withTrigger(clean[i], FIRST_RESERVED_ID + task * len, len);
                        }
                        NDArray logits = p.logits(s, w, task, both);
                        NDArray lc = logits.get("0:" + clean.length), lt = logits.get(clean.length + ":");
                        NDArray pred = lc.argMax(1);
                        loss = loss.add(MergeProblem.entropy(lc)).add(MergeProblem.crossEntropy(lt, pred).mul((float) o.advWeight()));
                    }
                    return loss;
                }));
                clipRows(m, trigger, maxNorm);
                bar.step();
            }
            Map<String, float[]> hard = new LinkedHashMap<>();
            long flagged = 0;
            for (String n : space.names()) {
                float[] sm = ConcreteMask.hard(shared.get(n).toFloatArray());
                float[] bm = ConcreteMask.hard(backdoor.get(n).toFloatArray());
                for (int i = 0; i < sm.length; i++) {
                    if (bm[i] > 0) flagged++;
                    sm[i] *= 1f - bm[i];
                }
                hard.put(n, sm);
            }
            double[][] c = new double[k][1];
            for (double[] row : c) row[0] = o.init();
            var trace = new LinkedHashMap<String, Object>();
            losses.into(trace, "loss");
            trace.put("backdoor_mask_fraction", flagged / (double) total);
            var r = new LearnedMerge(name(), space.names(), c, 1.0, hard, trace);
            trace.put("mask_density", r.maskDensity());
            return r;
        }
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
