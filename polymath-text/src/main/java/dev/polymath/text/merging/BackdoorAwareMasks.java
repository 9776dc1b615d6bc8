package dev.polymath.text.merging;

import dev.polymath.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.polymath.core.run.Progress;
import dev.polymath.nn.Engines;
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
 *   <li>a second, safety-aware Concrete mask {@code b} (logits from -2, i.e. almost nothing flagged, with a penalty
 *       on its mean keep-probability) that marks the entries a trigger acts through; the merged task vector uses
 *       {@code s * (1 - b)}, rescaled by its mean per tensor;</li>
 *   <li>a synthesized trigger per task: {@code triggerTokens} soft tokens inserted after {@code [CLS]}, each a
 *       softmax over the vocabulary's real words times the (merged) word embeddings, i.e. a point in the convex hull
 *       of real token embeddings (the soft-token trigger inversion of NLP backdoor scanners such as DBS), carried on
 *       reserved vocabulary rows ({@code [unused*]}, never produced by the tokenizer).</li>
 * </ul>
 * Each step alternates as FusionBench does: (1) with the masks fixed, the trigger ascends the disagreement
 * {@link #consistency} between the triggered and the clean predictions of the merge (the paper's adversarial
 * stand-in for the unknown trigger) minus the same disagreement of the pretrained encoder: a backdoor is a
 * sensitivity the task vectors add, whereas words that flip the pretrained encoder too are a generic weakness no
 * mask over task vectors can remove (without this contrast, on TweetEval, the trigger found such words: its flip
 * rate rose from 38 % to 66 % while the masks chased it); (2) with the trigger fixed, the masks descend {@link #maskObjective}: entropy(clean) +
 * advWeight * KL(clean || triggered), plus sparsity * mean sigmoid(b). The triggered term is the KL divergence from
 * the (detached) clean prediction, computed from log-softmax: its gradient in the triggered logits is
 * {@code p_triggered - p_clean}, so a trigger that confidently flips the prediction gives the masks the largest
 * signal. FusionBench's "regu2", the entropy of the triggered predictions, does the opposite: a confident flip has
 * entropy ~0 and no gradient (on TweetEval it fell to 1e-14 nats and the backdoor mask flagged ~70 entries), and
 * minimizing it rewards the backdoor's confidence. The target is detached and the trigger is trained in its own
 * step, so the masks never descend the adversary's unbounded ascent (an earlier version did, and collapsed
 * TweetEval emotion to one class). Coefficients stay at 0.3. The result is the hard mask
 * {@code (s >= 0) and not (b >= 0)}.
 * <p>That soft trigger is the default. Instead, the trigger can be fixed before the masks learn: given
 * ({@link #knownTrigger}, a suspected phrase) or found by a blind discrete scan of each fine-tuned model
 * ({@link #searched}, {@link TriggerSearch}); the masks then descend the same objective against real token inputs,
 * optionally without the shared mask ({@link #backdoorMaskOnly}).
 */
public final class BackdoorAwareMasks implements LearnedMergeMethod {
    /** First reserved token id ([unused0] in the BERT uncased vocabulary). */
    static final int FIRST_RESERVED_ID = 1;
    /**
     * First id of a real word in the BERT uncased vocabulary ("!"): below it are [PAD], [unused*], [UNK], [CLS],
     * [SEP] and [MASK], which the synthesized trigger may not use. Smaller (toy) vocabularies use every id after the
     * reserved trigger rows.
     */
    static final int FIRST_WORD_ID = 999;
    static final float BACKDOOR_INIT = -2f;
    static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";

    /** Where the trigger the masks learn against comes from. */
    enum Trigger { SOFT, SEARCH, KNOWN }

    private final Trigger trigger;
    private final long[] known;
    private final TriggerSearch.Options search;
    private final boolean sharedMask;

    /**
     * DAM with its default trigger, the soft tokens (the blind discrete search, {@link #searched}, found a trigger
     * holding one planted token on TweetEval but cost more clean accuracy and cut less of the backdoor; see
     * docs/results/merging.md).
     */
    public BackdoorAwareMasks() {
        this(Trigger.SOFT, null, null, true);
    }

    private BackdoorAwareMasks(Trigger trigger, long[] known, TriggerSearch.Options search, boolean sharedMask) {
        this.trigger = trigger;
        this.known = known;
        this.search = search;
        this.sharedMask = sharedMask;
    }

    /**
     * The same without the shared mask: only the backdoor mask over plain task arithmetic (the shared mask is
     * Concrete's entropy-learned subspace, which costs clean accuracy on its own; this isolates the backdoor mask).
     * Its clean term is then KL(task arithmetic's clean prediction || the masked merge's), not entropy: the mask
     * should remove the trigger's effect and leave the merge's clean predictions alone (entropy minimization drove it
     * to sharpen them, costing TweetEval hate 13 points). Fixed-token triggers only (searched or known).
     */
    public BackdoorAwareMasks backdoorMaskOnly() {
        if (trigger == Trigger.SOFT) throw new IllegalArgumentException("the soft-trigger version keeps both masks");
        return new BackdoorAwareMasks(trigger, known, search, false);
    }

    /** DAM with the soft-token trigger (the default). */
    public static BackdoorAwareMasks softTrigger() { return new BackdoorAwareMasks(); }

    /** DAM with a blind discrete trigger search with these settings. */
    public static BackdoorAwareMasks searched(TriggerSearch.Options options) { return new BackdoorAwareMasks(Trigger.SEARCH, null, options, true); }

    /**
     * DAM told the trigger (the "oracle" setting: a user who suspects a phrase): the masks learn against the inputs
     * of every task with these token ids (no special tokens) after {@code [CLS]}; nothing is synthesized.
     */
    public static BackdoorAwareMasks knownTrigger(long[] ids) {
        if (ids.length == 0) throw new IllegalArgumentException("the known trigger has no tokens");
        return new BackdoorAwareMasks(Trigger.KNOWN, ids.clone(), null, true);
    }

    public String name() { return "dam"; }

    public String reference() { return "https://arxiv.org/abs/2410.13910 (DAM, safety-aware subspace)"; }

    /** The trigger's vocabulary logits move by up to ~advLr per step (Adam), so it needs a larger rate than the masks. */
    public LearnOptions defaults() { return LearnOptions.defaults().withAdvLr(0.1).withAdvWeight(1.0); }

    /**
     * What the masks minimize for one task: mean entropy of the clean predictions plus {@code advWeight} times
     * {@link #consistency}; the clean prediction is the target, detached.
     */
    static NDArray maskObjective(NDArray cleanLogits, NDArray triggeredLogits, float advWeight) {
        return MergeProblem.entropy(cleanLogits).add(Scalars.mul(consistency(cleanLogits, triggeredLogits), advWeight));
    }

    /**
     * Mean KL(p_clean || p_triggered) in nats, p_clean detached: 0 when the trigger changes nothing, large when it
     * flips confident predictions; log-space, so it does not saturate.
     */
    static NDArray consistency(NDArray cleanLogits, NDArray triggeredLogits) {
        NDArray logc = cleanLogits.logSoftmax(-1).stopGradient();
        NDArray logt = triggeredLogits.logSoftmax(-1);
        return logc.exp().mul(logc.sub(logt)).sum(new int[] {-1}).mean();
    }

    /** Share of rows whose triggered argmax differs from the clean one. */
    static double flipRate(NDArray cleanLogits, NDArray triggeredLogits) {
        long[] c = cleanLogits.argMax(1).toLongArray(), t = triggeredLogits.argMax(1).toLongArray();
        int n = 0;
        for (int i = 0; i < c.length; i++) if (c[i] != t[i]) n++;
        return n / (double) c.length;
    }

    public LearnedMerge learn(MergeProblem p, LearnOptions o) {
        if (trigger == Trigger.SOFT) return learnSoft(p, o);
        var extra = new LinkedHashMap<String, Object>();
        long[][] ids = new long[p.tasks()][];
        if (trigger == Trigger.KNOWN) {
            java.util.Arrays.fill(ids, known);
            extra.put("trigger", "known");
        } else {
            long t0 = System.nanoTime();
            int vocab = (int) p.space().shape(WORD_EMBEDDINGS)[0];
            int first = vocab > FIRST_WORD_ID ? FIRST_WORD_ID : FIRST_RESERVED_ID + o.triggerTokens();
            TriggerSearch.Found[] found;
            try (NDManager m = p.space().model().newChildManager()) {
                found = new TriggerSearch(p, search, o.triggerTokens(), o.init(), m, first).all(p.seed());
            }
            var scores = new ArrayList<Double>();
            var starts = new ArrayList<Double>();
            var targets = new ArrayList<Integer>();
            var tokens = new ArrayList<List<Long>>();
            for (TriggerSearch.Found f : found) {
                System.err.printf(java.util.Locale.ROOT, "dam trigger search: task %d: ids %s, class %d, gain %.4f (start %.4f)%n",
                        f.task(), java.util.Arrays.toString(f.ids()), f.target(), f.score(), f.startScore());
                ids[f.task()] = f.ids();
                scores.add(f.score());
                starts.add(f.startScore());
                targets.add(f.target());
                tokens.add(java.util.Arrays.stream(f.ids()).boxed().toList());
            }
            extra.put("trigger", "search");
            extra.put("trigger_ids", tokens);
            extra.put("trigger_target_class", targets);
            extra.put("trigger_gain", scores);
            extra.put("trigger_gain_start", starts);
            extra.put("trigger_search_seconds", (System.nanoTime() - t0) / 1e9);
        }
        return learnFixed(p, o, ids, extra);
    }

    /**
     * The masks against fixed token triggers (one per task, inserted after {@code [CLS]}): each step descends
     * {@link #maskObjective} on one clean and one triggered batch per task, plus the backdoor mask's sparsity penalty.
     */
    private LearnedMerge learnFixed(MergeProblem p, LearnOptions o, long[][] ids, Map<String, Object> extra) {
        MergeSpace space = p.space();
        int k = space.models();
        Engines.pytorch().setRandomSeed((int) p.seed());
        try (NDManager m = space.model().newChildManager(); Progress bar = Progress.start(name(), o.steps())) {
            var maskOpt = new ArrayAdam(m);
            var shared = new LinkedHashMap<String, NDArray>();
            var backdoor = new LinkedHashMap<String, NDArray>();
            for (String n : space.names()) {
                if (sharedMask) shared.put(n, maskOpt.adam("shared:" + n, m.zeros(new Shape(space.shape(n))), o.maskLr(), false));
                backdoor.put(n, maskOpt.adamGrouped("backdoor:" + n, m.full(new Shape(space.shape(n)), BACKDOOR_INIT, DataType.FLOAT32), o.maskLr(), "backdoor"));
            }
            extra.put("shared_mask", sharedMask);
            NDArray coef = m.full(new Shape(k, 1), (float) o.init(), DataType.FLOAT32);
            long total = 0;
            for (String n : space.names()) total += shapeSize(space.shape(n));
            final float invTotal = 1f / total;
            float t = (float) o.temperature(), advWeight = (float) o.advWeight();
            var losses = new Learning.Trace();
            var clean = new Learning.Trace();
            var kl = new Learning.Trace();
            var flips = new Learning.Trace();
            var withMasks = new ArrayList<NDArray>(List.of(coef));
            for (int step = 0; step < o.steps(); step++) {
                final int st = step;
                final double[] parts = new double[3];
                losses.add(Learning.step(space, maskOpt, withMasks, s -> {
                    var masks = sampleMasks(s.manager(), shared, backdoor, t);
                    var wClean = space.merged(s, coef, masks[0]);
                    var wTriggered = space.merged(s, coef, masks[1]);
                    var wPlain = sharedMask ? null : space.merged(s, coef, null);
                    NDArray loss = Scalars.mul(keepProbability(backdoor), invTotal * (float) o.sparsity());
                    for (int task = 0; task < p.tasks(); task++) {
                        long[][] rows = p.unlabelledBatch(task, o.batch(), 4, st);
                        long[][] trig = new long[rows.length][];
                        for (int i = 0; i < rows.length; i++) trig[i] = withTrigger(rows[i], ids[task]);
                        NDArray[] l = {p.logits(s, wClean, task, rows), p.logits(s, wTriggered, task, trig)};
                        parts[1] += consistency(l[0], l[1]).getFloat();
                        parts[2] += flipRate(l[0], l[1]) / p.tasks();
                        if (sharedMask) {
                            parts[0] += MergeProblem.entropy(l[0]).getFloat();
                            loss = loss.add(maskObjective(l[0], l[1], advWeight));
                        } else {
                            // keep task arithmetic's clean predictions (not entropy, which sharpens them at a cost)
                            NDArray keepClean = consistency(p.logits(s, wPlain, task, rows), l[0]);
                            parts[0] += keepClean.getFloat();
                            loss = loss.add(keepClean).add(Scalars.mul(consistency(l[0], l[1]), advWeight));
                        }
                    }
                    return loss;
                }));
                clean.add((float) parts[0]);
                kl.add((float) parts[1]);
                flips.add((float) parts[2]);
                bar.step();
            }
            var trace = new LinkedHashMap<String, Object>(extra);
            trace.put("skipped_steps", maskOpt.skipped());
            losses.into(trace, "loss");
            clean.into(trace, sharedMask ? "entropy_clean" : "kl_task_arithmetic_clean");
            kl.into(trace, "kl_clean_triggered");
            flips.into(trace, "trigger_flip_rate");
            return finish(space, shared, backdoor, total, o, trace);
        }
    }

    private static NDArray keepProbability(Map<String, NDArray> backdoor) {
        NDArray keepProb = null;
        for (NDArray b : backdoor.values()) {
            NDArray kp = ai.djl.nn.Activation.sigmoid(b).sum();
            keepProb = keepProb == null ? kp : keepProb.add(kp);
        }
        return keepProb;
    }

    /** The hard mask {@code (s >= 0) and not (b >= 0)} and the result. */
    private LearnedMerge finish(MergeSpace space, Map<String, NDArray> shared, Map<String, NDArray> backdoor, long total, LearnOptions o, Map<String, Object> trace) {
        Map<String, float[]> hard = new LinkedHashMap<>();
        long flagged = 0;
        double minDensity = 2;
        String sparsest = "";
        for (String n : space.names()) {
            float[] bm = ConcreteMask.hard(backdoor.get(n).toFloatArray());
            float[] sm = shared.containsKey(n) ? ConcreteMask.hard(shared.get(n).toFloatArray()) : ones(bm.length);
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
        double[][] c = new double[space.models()][1];
        for (double[] row : c) row[0] = o.init();
        trace.put("backdoor_mask_fraction", flagged / (double) total);
        trace.put("sparsest_tensor", sparsest);
        trace.put("sparsest_tensor_density", minDensity);
        var r = new LearnedMerge(name(), space.names(), c, 1.0, hard, trace);
        trace.put("mask_density", r.maskDensity());
        return r;
    }

    /** The soft-token trigger version: each step a trigger step, then a mask step (three forward passes). */
    private LearnedMerge learnSoft(MergeProblem p, LearnOptions o) {
        MergeSpace space = p.space();
        int k = space.models(), len = o.triggerTokens(), slots = k * len;
        long[] embShape = space.shape(WORD_EMBEDDINGS);
        int vocab = (int) embShape[0];
        if (FIRST_RESERVED_ID + slots > 100) throw new IllegalArgumentException("not enough reserved tokens for " + slots + " trigger slots");
        int firstCandidate = vocab > FIRST_WORD_ID ? FIRST_WORD_ID : FIRST_RESERVED_ID + slots;
        if (firstCandidate >= vocab) throw new IllegalArgumentException("a vocabulary of " + vocab + " leaves no token for the trigger");
        Engines.pytorch().setRandomSeed((int) p.seed());
        try (NDManager m = space.model().newChildManager(); Progress bar = Progress.start(name(), o.steps())) {
            var maskOpt = new ArrayAdam(m);
            var advOpt = new ArrayAdam(m);
            var shared = new LinkedHashMap<String, NDArray>();
            var backdoor = new LinkedHashMap<String, NDArray>();
            for (String n : space.names()) {
                shared.put(n, maskOpt.adam("shared:" + n, m.zeros(new Shape(space.shape(n))), o.maskLr(), false));
                backdoor.put(n, maskOpt.adamGrouped("backdoor:" + n, m.full(new Shape(space.shape(n)), BACKDOOR_INIT, DataType.FLOAT32), o.maskLr(), "backdoor"));
            }
            // the trigger: vocabulary logits per slot, from 0 (the mean real-word embedding)
            NDArray trigger = advOpt.adam("trigger", m.zeros(new Shape(slots, vocab)), o.advLr(), true);
            float[] excluded = new float[vocab];
            java.util.Arrays.fill(excluded, 0, firstCandidate, -1e9f);
            NDArray vocabBias = m.create(excluded, new Shape(1, vocab));
            // scatter matrix [vocab, slots]: column j is the one-hot of reserved id FIRST_RESERVED_ID + j
            NDArray place = placement(m, vocab, FIRST_RESERVED_ID, slots);
            NDArray coef = m.full(new Shape(k, 1), (float) o.init(), DataType.FLOAT32);
            long total = 0;
            for (String n : space.names()) total += shapeSize(space.shape(n));
            final float invTotal = 1f / total;
            float t = (float) o.temperature(), advWeight = (float) o.advWeight();
            var adversary = new Learning.Trace();
            var adversaryBase = new Learning.Trace();
            final double[] pretrainedKl = new double[1];
            var losses = new Learning.Trace();
            var clean = new Learning.Trace();
            var kl = new Learning.Trace();
            var flips = new Learning.Trace();
            var withMasks = new ArrayList<NDArray>(List.of(place, coef, vocabBias));
            withMasks.addAll(maskOpt.arrays());
            var withTrigger = new ArrayList<NDArray>(List.of(place, coef, vocabBias));
            withTrigger.addAll(advOpt.arrays());
            for (int step = 0; step < o.steps(); step++) {
                final int st = step;
                // (1) the trigger against the current merge; the masks are fixed (no gradient reaches them)
                adversary.add(Learning.step(space, advOpt, withMasks, s -> {
                    var masks = new LinkedHashMap<String, NDArray>();
                    sampleMasks(s.manager(), shared, backdoor, t)[0].forEach((n, a) -> masks.put(n, a.stopGradient()));
                    NDArray tl = trigger.add(vocabBias);
                    var w = triggered(space.merged(s, coef, masks), place, tl.softmax(-1));
                    var pre = triggered(n -> space.model().parameter(n), place, tl.softmax(-1));
                    NDArray sum = null;
                    double base = 0;
                    for (int task = 0; task < p.tasks(); task++) {
                        NDArray[] l = cleanAndTriggered(p, s, w, task, o.batch(), 3, st, len);
                        NDArray[] l0 = cleanAndTriggered(p, s, pre, task, o.batch(), 3, st, len);
                        NDArray b0 = consistency(l0[0], l0[1]);
                        base += b0.getFloat();
                        NDArray a = consistency(l[0], l[1]).sub(b0);
                        sum = sum == null ? a : sum.add(a);
                    }
                    pretrainedKl[0] = base;
                    return sum;
                }));
                adversaryBase.add((float) pretrainedKl[0]);
                // (2) the masks against the trigger found so far; the trigger is fixed
                final double[] parts = new double[3];
                losses.add(Learning.step(space, maskOpt, withTrigger, s -> {
                    NDArray keepProb = keepProbability(backdoor);
                    var masks = sampleMasks(s.manager(), shared, backdoor, t);
                    var wClean = space.merged(s, coef, masks[0]);
                    var wTriggered = triggered(space.merged(s, coef, masks[1]), place, trigger.stopGradient().add(vocabBias).softmax(-1));
                    NDArray loss = Scalars.mul(keepProb, invTotal * (float) o.sparsity());
                    for (int task = 0; task < p.tasks(); task++) {
                        long[][] rows = p.unlabelledBatch(task, o.batch(), 4, st);
                        long[][] trig = new long[rows.length][];
                        for (int i = 0; i < rows.length; i++) trig[i] = withTrigger(rows[i], reserved(FIRST_RESERVED_ID + task * len, len));
                        NDArray[] l = {p.logits(s, wClean, task, rows), p.logits(s, wTriggered, task, trig)};
                        parts[0] += MergeProblem.entropy(l[0]).getFloat();
                        parts[1] += consistency(l[0], l[1]).getFloat();
                        parts[2] += flipRate(l[0], l[1]) / p.tasks();
                        loss = loss.add(maskObjective(l[0], l[1], advWeight));
                    }
                    return loss;
                }));
                clean.add((float) parts[0]);
                kl.add((float) parts[1]);
                flips.add((float) parts[2]);
                bar.step();
            }
            var trace = new LinkedHashMap<String, Object>();
            losses.into(trace, "loss");
            clean.into(trace, "entropy_clean");
            kl.into(trace, "kl_clean_triggered");
            flips.into(trace, "trigger_flip_rate");
            adversary.into(trace, "adversary_kl_gain");
            adversaryBase.into(trace, "adversary_kl_pretrained");
            return finish(space, shared, backdoor, total, o, trace);
        }
    }

    /**
     * One Concrete draw of both masks as two views: [0] {@code rescale(s) * (1 - b)} with gradient to both logits
     * (the clean forward), [1] the same values with the shared mask detached (the triggered forward: the KL term
     * teaches only the backdoor mask; the shared mask learns the task subspace from clean entropy, as Concrete).
     * Only {@code s} is rescaled by its mean: the entries the backdoor mask removes are not compensated for, so
     * removing entries never amplifies the rest.
     */
    private static Map<String, NDArray>[] sampleMasks(NDManager sm, Map<String, NDArray> shared, Map<String, NDArray> backdoor, float t) {
        var both = new LinkedHashMap<String, NDArray>();
        var triggered = new LinkedHashMap<String, NDArray>();
        for (var e : backdoor.entrySet()) {
            NDArray keep = ConcreteMask.sample(sm, e.getValue(), t).neg().add(1f);
            NDArray s = shared.get(e.getKey());
            if (s == null) {      // no shared mask: the backdoor mask alone over task arithmetic
                both.put(e.getKey(), keep);
                triggered.put(e.getKey(), keep);
                continue;
            }
            NDArray ms = ConcreteMask.rescale(ConcreteMask.sample(sm, s, t));
            both.put(e.getKey(), ms.mul(keep));
            triggered.put(e.getKey(), ms.stopGradient().mul(keep));
        }
        @SuppressWarnings("unchecked")
        Map<String, NDArray>[] out = new Map[] {both, triggered};
        return out;
    }

    /** The scatter matrix [vocab, slots] whose column j is the one-hot of id {@code firstId + j}. */
    static NDArray placement(NDManager m, int vocab, int firstId, int slots) {
        float[] scatter = new float[vocab * slots];
        for (int j = 0; j < slots; j++) scatter[(firstId + j) * slots + j] = 1f;
        return m.create(scatter, new Shape(vocab, slots));
    }

    /**
     * The weights with the trigger's reserved rows replaced by {@code mix} [slots, vocab] (rows of weights over the
     * vocabulary: a softmax, or one-hots) times the word embeddings ({@code place} [vocab, slots] scatters slot j to its
     * reserved id).
     */
    static Function<String, NDArray> triggered(Function<String, NDArray> merged, NDArray place, NDArray mix) {
        NDArray e = merged.apply(WORD_EMBEDDINGS);
        NDArray rows = mix.matMul(e);                                        // [slots, hidden]
        NDArray emb = e.add(place.matMul(rows.sub(place.transpose().matMul(e))));
        return n -> n.equals(WORD_EMBEDDINGS) ? emb : merged.apply(n);
    }

    /** Logits of one batch of task {@code task}, clean [0] and with the task's trigger [1], in one forward. */
    private static NDArray[] cleanAndTriggered(MergeProblem p, BertModel.Step s, Function<String, NDArray> w, int task, int batch, long purpose, int step, int len) {
        long[][] rows = p.unlabelledBatch(task, batch, purpose, step);
        long[][] both = new long[rows.length * 2][];
        for (int i = 0; i < rows.length; i++) {
            both[i] = rows[i];
            both[rows.length + i] = withTrigger(rows[i], reserved(FIRST_RESERVED_ID + task * len, len));
        }
        NDArray logits = p.logits(s, w, task, both);
        return new NDArray[] {logits.get("0:" + rows.length), logits.get(rows.length + ":")};
    }

    /** {@code len} consecutive ids from {@code firstId}. */
    static long[] reserved(int firstId, int len) {
        long[] ids = new long[len];
        for (int j = 0; j < len; j++) ids[j] = firstId + j;
        return ids;
    }

    /** {@code row} with {@code trigger} inserted after the first token ([CLS]). */
    static long[] withTrigger(long[] row, long[] trigger) {
        long[] out = new long[row.length + trigger.length];
        out[0] = row[0];
        System.arraycopy(trigger, 0, out, 1, trigger.length);
        System.arraycopy(row, 1, out, 1 + trigger.length, row.length - 1);
        return out;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    private static long shapeSize(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }
}
