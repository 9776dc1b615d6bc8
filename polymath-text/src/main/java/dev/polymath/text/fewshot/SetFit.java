package dev.polymath.text.fewshot;

import dev.polymath.core.util.Seeds;
import dev.polymath.text.bert.BertCheckpoint;
import dev.polymath.text.bert.BertModel;
import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.bert.BertTrainer;
import dev.polymath.text.bert.BatchHardTripletLoss;
import dev.polymath.text.bert.CosinePairLoss;
import dev.polymath.text.bert.MultipleNegativesRankingLoss;
import dev.polymath.text.bert.LoraConfig;
import dev.polymath.text.encoder.EncoderSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * SetFit: contrastive fine-tuning of the sentence encoder on the support set, then a head (any registered
 * frozen-embedding method) fitted on the fine-tuned embeddings. The default ({@link Options#defaults()}) is in-batch
 * negatives ({@link MultipleNegativesRankingLoss} over {@link AnchorPositiveSampler} batches) with full fine-tuning
 * and a prototype head; SetFit's original cosine-pair recipe ({@link PairSampler}, {@link CosinePairLoss}) and
 * batch-hard triplets are options.
 *
 * <p>Unlike the other methods it needs a trainable encoder, so it is not a {@link FewShotMethod}: {@link #fit}
 * takes a {@link BertSentenceEncoder} and fine-tunes its model <em>in place</em> (every parameter, or LoRA adapters
 * merged into the weights when training ends). The returned classifier's encoder identity is
 * the fine-tuned weights' checksum, so it predicts only with that encoder. {@link #save} writes the classifier
 * folder plus the fine-tuned encoder as a checkpoint in its {@code encoder/} subfolder; {@link #load} reads both.
 */
public final class SetFit {
    private SetFit() {}

    /** The encoder checkpoint's subfolder inside a saved SetFit classifier. */
    public static final String ENCODER_DIR = "encoder";

    /** The contrastive objective of the fine-tuning stage. */
    public enum Loss {
        /** Cosine similarity vs 1/0 targets on balanced positive/negative pairs ({@link PairSampler}); SetFit's default. */
        COSINE,
        /** In-batch negatives over (anchor, positive) pairs of distinct classes ({@link AnchorPositiveSampler}). */
        MNR,
        /** Batch-hard triplets over the same batches (each class twice per batch). */
        TRIPLET,
        /** MNR in both directions: anchors pick their positive, and positives their anchor, among the batch. */
        MNR_SYMMETRIC;

        /** The CLI's name: lower case, '-' for '_'. */
        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        public static Loss parse(String s) {
            for (Loss l : values()) if (l.cliName().equalsIgnoreCase(s.trim().replace('_', '-'))) return l;
            throw new IllegalArgumentException("unknown setfit loss '" + s + "'; known: cosine, mnr, triplet, mnr-symmetric");
        }
    }

    /** How {@code MNR}/{@code TRIPLET} batches are composed ({@link AnchorPositiveSampler}). */
    public enum Batching {
        /** Pairs of distinct classes in a seeded random order. */
        RANDOM,
        /** A seed class and the classes most similar to it (cosine of the frozen encoder's class means): hard negatives. */
        SIMILAR;

        public static Batching parse(String s) {
            for (Batching b : values()) if (b.name().equalsIgnoreCase(s.trim())) return b;
            throw new IllegalArgumentException("unknown setfit batching '" + s + "'; known: random, similar");
        }
    }

    /**
     * Label names as extra examples ({@link Support#describeLabel}: {@code cancel_reservation} becomes "cancel
     * reservation"): CLINC150's and BANKING77's labels are descriptive (label names alone classify 68% of CLINC150).
     */
    public enum LabelNames {
        /** Support examples only. */
        OFF,
        /** Each class's name joins its examples in the contrastive training (an anchor and a positive like them); the head sees the support set only. */
        TRAIN,
        /** As {@code TRAIN}, and the head is also fitted on the names (one more example per class). */
        TRAIN_AND_HEAD;

        /** The CLI's name: lower case, '-' for '_'. */
        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        public static LabelNames parse(String s) {
            for (LabelNames v : values()) if (v.cliName().equalsIgnoreCase(s.trim().replace('_', '-'))) return v;
            throw new IllegalArgumentException("unknown setfit label-names mode '" + s + "'; known: off, train, train-and-head");
        }

        public boolean train() {
            return this != OFF;
        }
    }

    /** {@code texts}/{@code labels} followed by one example per class of {@code labels}: its name, in {@link LabelIndex} order. */
    public static List<List<String>> withLabelNames(List<String> texts, List<String> labels) {
        var t = new java.util.ArrayList<>(texts);
        var l = new java.util.ArrayList<>(labels);
        for (String label : LabelIndex.of(labels).labels()) {
            t.add(Support.describeLabel(label));
            l.add(label);
        }
        return List.of(List.copyOf(t), List.copyOf(l));
    }

    /**
     * Self-training with the fine-tuned encoder: after the supervised stage, embed the unlabelled pool with the fine-tuned
     * encoder, score it with the head fitted on the support set, keep for each class {@code perClass} of the pool texts
     * it predicts with top probability at least {@code threshold} ({@link PseudoLabels}, picked by {@code pick}), then
     * train {@code steps} more steps (same loss, batching and learning rate, fresh optimizer) on support +
     * pseudo-labelled texts, and fit the head on the support set, or with {@code headOnPseudo} on both. Uses the
     * pool's texts only, never its labels.
     *
     * @param perClass     pseudo-labels per class at most; 0 = off
     * @param threshold    the least top probability of a pseudo-labelled text (the head's calibrated softmax)
     * @param steps        supervised steps of the second round
     * @param pick         which candidates fill a class's quota
     * @param headOnPseudo whether the final head is also fitted on the pseudo-labelled texts
     */
    public record SelfTraining(int perClass, double threshold, int steps, PseudoLabels.Pick pick, boolean headOnPseudo) {
        public static final SelfTraining OFF = new SelfTraining(0, 0, 0, PseudoLabels.Pick.TOP, false);

        public SelfTraining {
            if (perClass < 0) throw new IllegalArgumentException("self-training pseudo-labels per class must be >= 0, got " + perClass);
            if (!(threshold >= 0 && threshold <= 1)) throw new IllegalArgumentException("self-training threshold must be in [0, 1], got " + threshold);
            if (steps < 0) throw new IllegalArgumentException("self-training steps must be >= 0, got " + steps);
            if (pick == null) throw new IllegalArgumentException("self-training pick must be given");
        }

        public boolean on() {
            return perClass > 0;
        }
    }

    /**
     * @param maxPairs      cap on the training pairs of the {@code COSINE} loss (half positive, half negative)
     * @param maxSteps      optimizer steps of the supervised stage; pairs/batches are cycled
     * @param batchSize     pairs per step (for {@code MNR}/{@code TRIPLET}: at most one pair per class) and
     *                      texts per step of the unsupervised stage
     * @param learningRate  AdamW learning rate
     * @param loraRank      LoRA rank on every projection (alpha = 2 x rank); 0 = full fine-tuning
     * @param head          the registered few-shot method fitted on the fine-tuned embeddings
     * @param loss          the supervised contrastive loss
     * @param pretrainSteps steps of unsupervised SimCSE pre-training on the unlabelled pool before the supervised
     *                      stage (CPFT's first stage); 0 = none
     * @param epochs        when > 0, the supervised steps are {@code ceil(epochs x anchors / batchSize)} (anchors: the
     *                      support examples whose class has a second one), so that the training scales with the
     *                      support set (150 classes x 10 get twice the steps of 77 x 10); {@code maxSteps} is then unused
     * @param batching      how in-batch-negative batches are composed
     * @param selfTraining  a second round on the support set plus confident pseudo-labels of the unlabelled pool, chosen by
     *                      the fine-tuned encoder ({@link SelfTraining#OFF}: none)
     * @param labelNames    whether the label names join the training set (and the head's)
     * @param warmup        0: a constant learning rate; in (0, 1): that fraction of each round's steps warms the rate up
     *                      linearly from 0, then it decays linearly to 0 at the round's last step (sentence-transformers'
     *                      {@code WarmupLinear}); step k of a longer run is then no longer a k-step run
     * @param scale         the similarity scale (inverse temperature) of the {@code MNR} losses; sentence-transformers' 20
     * @param freezeBelow   full fine-tuning only: the embeddings and the first {@code freezeBelow} layers stay frozen
     *                      (0 = train every layer)
     */
    public record Options(int maxPairs, int maxSteps, int batchSize, double learningRate, int loraRank, String head, Loss loss,
                          int pretrainSteps, double epochs, Batching batching, SelfTraining selfTraining, LabelNames labelNames,
                          double warmup, float scale, int freezeBelow) {
        public Options {
            if (maxPairs < 2) throw new IllegalArgumentException("maxPairs must be >= 2");
            if (maxSteps < 0) throw new IllegalArgumentException("maxSteps must be >= 0");
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
            if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0");
            if (loraRank < 0) throw new IllegalArgumentException("LoRA rank must be >= 0");
            if (head == null || head.isBlank() || head.equals("setfit")) throw new IllegalArgumentException("head must be a frozen-embedding method, got " + head);
            if (loss == null) throw new IllegalArgumentException("loss must be given");
            if (loss != Loss.COSINE && batchSize < 2) throw new IllegalArgumentException(loss + " needs batches of >= 2 pairs");
            if (pretrainSteps < 0) throw new IllegalArgumentException("pretrainSteps must be >= 0");
            if (!(epochs >= 0) || Double.isInfinite(epochs)) throw new IllegalArgumentException("epochs must be >= 0 and finite, got " + epochs);
            if (batching == null) throw new IllegalArgumentException("batching must be given");
            if (selfTraining == null) throw new IllegalArgumentException("selfTraining must be given (SelfTraining.OFF for none)");
            if (labelNames == null) throw new IllegalArgumentException("labelNames must be given (LabelNames.OFF for none)");
            if (!(warmup >= 0 && warmup < 1)) throw new IllegalArgumentException("warmup must be in [0, 1), got " + warmup);
            if (!(scale > 0) || Float.isInfinite(scale)) throw new IllegalArgumentException("the MNR similarity scale must be > 0 and finite, got " + scale);
            if (freezeBelow < 0) throw new IllegalArgumentException("layers to freeze must be >= 0, got " + freezeBelow);
            if (freezeBelow > 0 && loraRank > 0) throw new IllegalArgumentException("freezing the lower layers is for full fine-tuning; LoRA (rank " + loraRank + ") already freezes every base weight");
        }

        /** As the canonical constructor without self-training or label names. */
        public Options(int maxPairs, int maxSteps, int batchSize, double learningRate, int loraRank, String head, Loss loss,
                       int pretrainSteps, double epochs, Batching batching) {
            this(maxPairs, maxSteps, batchSize, learningRate, loraRank, head, loss, pretrainSteps, epochs, batching, SelfTraining.OFF, LabelNames.OFF, 0,
                    MultipleNegativesRankingLoss.DEFAULT_SCALE, 0);
        }

        /** The learning rate of 1-based step {@code step} of a round of {@code steps} ({@link #warmup}). */
        public double learningRateAt(int step, int steps) {
            if (warmup == 0) return learningRate;
            int w = Math.max(1, (int) Math.ceil(warmup * steps));
            if (step <= w) return learningRate * step / w;
            return learningRate * Math.max(0.0, (double) (steps - step + 1) / (steps - w + 1));
        }

        /** The supervised steps for a support set with {@code anchors} anchor examples. */
        public int stepsFor(int anchors) {
            // the epsilon keeps a decimal epoch count from rounding up a whole step (6.4 x 1500 / 32 = 300, not 301)
            return epochs > 0 ? (int) Math.ceil(epochs * anchors / batchSize - 1e-9) : maxSteps;
        }

        /** LoRA rank 8, lr 1e-4, batch 16, up to 2,000 pairs and 100 steps, cosine loss, logistic head (SetFit's recipe). */
        public static Options cosineLora() {
            return new Options(2000, 100, 16, 1e-4, 8, "logistic", Loss.COSINE, 0, 0, Batching.RANDOM);
        }

        /**
         * The default recipe, the best measured on BANKING77/CLINC150 (docs/results/fewshot.md): full fine-tuning,
         * in-batch negatives (MNR) over batches of 32 (anchor, positive) pairs of distinct classes, AdamW lr 5e-5,
         * 100 steps, prototype head.
         */
        public static Options defaults() {
            return new Options(2000, 100, 32, 5e-5, 0, "prototype", Loss.MNR, 0, 0, Batching.RANDOM);
        }

        /** The default recipe with LoRA rank 8 (lr 1e-4, 200 steps): fewer trainable values, a little less accurate. */
        public static Options mnrLora() {
            return new Options(2000, 200, 32, 1e-4, 8, "prototype", Loss.MNR, 0, 0, Batching.RANDOM);
        }

        /** Exactly {@code v} supervised steps (clears {@link #epochs}). */
        public Options withMaxSteps(int v) { return new Options(maxPairs, v, batchSize, learningRate, loraRank, head, loss, pretrainSteps, 0, batching, selfTraining, labelNames, warmup, scale, freezeBelow); }
        public Options withMaxPairs(int v) { return new Options(v, maxSteps, batchSize, learningRate, loraRank, head, loss, pretrainSteps, epochs, batching, selfTraining, labelNames, warmup, scale, freezeBelow); }
        public Options withBatchSize(int v) { return new Options(maxPairs, maxSteps, v, learningRate, loraRank, head, loss, pretrainSteps, epochs, batching, selfTraining, labelNames, warmup, scale, freezeBelow); }
        public Options withLearningRate(double v) { return new Options(maxPairs, maxSteps, batchSize, v, loraRank, head, loss, pretrainSteps, epochs, batching, selfTraining, labelNames, warmup, scale, freezeBelow); }
        public Options withLoraRank(int v) { return new Options(maxPairs, maxSteps, batchSize, learningRate, v, head, loss, pretrainSteps, epochs, batching, selfTraining, labelNames, warmup, scale, freezeBelow); }
        public Options withHead(String v) { return new Options(maxPairs, maxSteps, batchSize, learningRate, loraRank, v, loss, pretrainSteps, epochs, batching, selfTraining, labelNames, warmup, scale, freezeBelow); }
        public Options withLoss(Loss v) { return new Options(maxPairs, maxSteps, batchSize, learningRate, loraRank, head, v, pretrainSteps, epochs, batching, selfTraining, labelNames, warmup, scale, freezeBelow); }
        /** Steps by {@link #stepsFor} from {@code v} epochs (0: back to {@code maxSteps}). */
        public Options withEpochs(double v) { return new Options(maxPairs, maxSteps, batchSize, learningRate, loraRank, head, loss, pretrainSteps, v, batching, selfTraining, labelNames, warmup, scale, freezeBelow); }
        public Options withBatching(Batching v) { return new Options(maxPairs, maxSteps, batchSize, learningRate, loraRank, head, loss, pretrainSteps, epochs, v, selfTraining, labelNames, warmup, scale, freezeBelow); }
        public Options withSelfTraining(SelfTraining v) { return new Options(maxPairs, maxSteps, batchSize, learningRate, loraRank, head, loss, pretrainSteps, epochs, batching, v, labelNames, warmup, scale, freezeBelow); }
        public Options withLabelNames(LabelNames v) { return new Options(maxPairs, maxSteps, batchSize, learningRate, loraRank, head, loss, pretrainSteps, epochs, batching, selfTraining, v, warmup, scale, freezeBelow); }
        public Options withWarmup(double v) { return new Options(maxPairs, maxSteps, batchSize, learningRate, loraRank, head, loss, pretrainSteps, epochs, batching, selfTraining, labelNames, v, scale, freezeBelow); }
        public Options withScale(float v) { return new Options(maxPairs, maxSteps, batchSize, learningRate, loraRank, head, loss, pretrainSteps, epochs, batching, selfTraining, labelNames, warmup, v, freezeBelow); }
        public Options withFreezeBelow(int v) { return new Options(maxPairs, maxSteps, batchSize, learningRate, loraRank, head, loss, pretrainSteps, epochs, batching, selfTraining, labelNames, warmup, scale, v); }
        public Options withPretrainSteps(int v) { return new Options(maxPairs, maxSteps, batchSize, learningRate, loraRank, head, loss, v, epochs, batching, selfTraining, labelNames, warmup, scale, freezeBelow); }
    }

    /**
     * The fitted classifier and what training did; with self-training, {@code pseudoRows} are the pool indices (in the
     * pool list given to {@code fit}) that got the pseudo-labels {@code pseudoLabels}, and {@code steps}/{@code losses}
     * cover both rounds.
     */
    public record Result(FewShotClassifier classifier, int pairs, int steps, float[] losses, int[] pseudoRows, List<String> pseudoLabels,
                         int skipped) {
        /** Mean loss over the first {@code k} steps. */
        public double meanFirst(int k) {
            return mean(0, Math.min(k, losses.length));
        }

        /** Mean loss over the last {@code k} steps. */
        public double meanLast(int k) {
            return mean(Math.max(0, losses.length - k), losses.length);
        }

        private double mean(int from, int to) {
            return finiteMean(losses, from, to);
        }
    }

    /** The mean of the finite values in [from, to) (a skipped step's loss may be NaN); NaN when there are none. */
    static double finiteMean(float[] losses, int from, int to) {
        double s = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            if (Float.isFinite(losses[i])) {
                s += losses[i];
                n++;
            }
        }
        return n > 0 ? s / n : Double.NaN;
    }

    /**
     * Called after optimizer step {@code step} (1-based, counting on through the self-training round) of the supervised
     * stages, between steps (no step of the model is open, so the encoder can embed texts; LoRA adapters, if any, are
     * still separate but used by the encoder), with the texts and labels being trained on (the support set, or with
     * self-training the support set plus the pseudo-labelled texts; never the label names of {@link LabelNames}, which the
     * caller adds with {@link #headSet} as the recipe's head would). With self-training it is also called once right
     * after pseudo-labelling, with the last step of the first round and the enlarged set.
     */
    @FunctionalInterface
    public interface StepListener {
        void afterStep(int step, List<String> texts, List<String> labels);

        StepListener NONE = (step, texts, labels) -> {};
    }

    /** As {@link #fit(BertSentenceEncoder, String, List, List, List, Options, long)} without an unlabelled pool. */
    public static Result fit(BertSentenceEncoder enc, String model, List<String> texts, List<String> labels, Options o, long seed) {
        return fit(enc, model, texts, labels, List.of(), o, seed);
    }

    /**
     * Fine-tunes {@code enc}'s model — first unsupervised on {@code pool} when {@code o.pretrainSteps() > 0}
     * ({@link #pretrain}), then on the support set with {@code o.loss()} — and fits the head. The model must not
     * carry LoRA adapters already; with LoRA its base parameters are left frozen afterwards.
     */
    public static Result fit(BertSentenceEncoder enc, String model, List<String> texts, List<String> labels, List<String> pool,
                             Options o, long seed) {
        return fit(enc, model, texts, labels, pool, o, seed, StepListener.NONE);
    }

    /** As {@link #fit(BertSentenceEncoder, String, List, List, List, Options, long)}, calling {@code listener} after every supervised step. */
    public static Result fit(BertSentenceEncoder enc, String model, List<String> texts, List<String> labels, List<String> pool,
                             Options o, long seed, StepListener listener) {
        if (texts.size() != labels.size()) throw new IllegalArgumentException(texts.size() + " support texts but " + labels.size() + " labels");
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) throw new IllegalArgumentException("support example " + i + " has an empty text");
        }
        FewShotMethod head = FewShotMethods.get(o.head());
        LabelIndex index = LabelIndex.of(labels);
        if (index.size() < 2) throw new IllegalArgumentException("SetFit needs at least 2 classes, got " + index.size());
        int[] y = index.indicesOf(labels);
        if (o.loss() == Loss.COSINE && PairSampler.sample(y, o.maxPairs(), seed).isEmpty()) {
            throw new IllegalArgumentException("no training pairs: SetFit needs a class with at least 2 examples");
        }
        if (o.pretrainSteps() > 0) {
            if (pool.isEmpty()) throw new IllegalArgumentException("unsupervised pre-training (" + o.pretrainSteps() + " steps) needs unlabelled texts; none given (fewshot fit: --pool)");
            pretrain(enc, pool, o, seed);
        }
        if (o.selfTraining().on() && pool.isEmpty()) {
            throw new IllegalArgumentException("self-training needs unlabelled texts; none given (fewshot fit: --pool)");
        }
        var losses = new java.util.ArrayList<Float>();
        // with label names, the training set is the support set plus one name per class; listeners still see the support set
        var round1 = trainingSet(texts, labels, o);
        int[] y1 = index.indicesOf(round1.get(1));
        StepListener l1 = (step, t, l) -> listener.afterStep(step, texts, labels);
        int pairs = train(enc, round1.get(0), round1.get(1), y1, index.size(), o.stepsFor(anchors(y1, index.size())), o, seed, 0, losses, l1);
        int round1Steps = losses.size();
        List<String> fitTexts = texts, fitLabels = labels;
        int[] pseudoRows = new int[0];
        List<String> pseudoLabels = List.of();
        if (o.selfTraining().on()) {
            var sel = pseudoLabel(enc, model, head, texts, labels, pool, o.selfTraining(), seed);
            pseudoRows = sel.rows();
            var pl = new java.util.ArrayList<String>();
            for (int c : sel.labels()) pl.add(index.label(c));
            pseudoLabels = List.copyOf(pl);
            var t2 = new java.util.ArrayList<>(texts);
            var l2 = new java.util.ArrayList<>(labels);
            for (int j = 0; j < pseudoRows.length; j++) {
                t2.add(pool.get(pseudoRows[j]));
                l2.add(pseudoLabels.get(j));
            }
            fitTexts = List.copyOf(t2);
            fitLabels = List.copyOf(l2);
            listener.afterStep(round1Steps, fitTexts, fitLabels);
            if (o.selfTraining().steps() > 0) {
                var round2 = trainingSet(fitTexts, fitLabels, o);
                int[] y2 = index.indicesOf(round2.get(1));
                List<String> ft = fitTexts, fl = fitLabels;
                StepListener listener2 = (step, t, l) -> listener.afterStep(step, ft, fl);
                pairs += train(enc, round2.get(0), round2.get(1), y2, index.size(), o.selfTraining().steps(), o, Seeds.mix(seed, 2), round1Steps, losses, listener2);
            }
        }
        boolean headOnPseudo = o.selfTraining().headOnPseudo();
        var headSet = headSet(headOnPseudo ? fitTexts : texts, headOnPseudo ? fitLabels : labels, o.labelNames());
        var clf = FewShotClassifier.fit(enc, model, head, headSet.get(0), headSet.get(1), List.of(), seed);
        float[] l = new float[losses.size()];
        for (int i = 0; i < l.length; i++) l[i] = losses.get(i);
        int skipped = 0;
        for (float v : l) if (!Float.isFinite(v)) skipped++;
        return new Result(clf, pairs, l.length, l, pseudoRows, pseudoLabels, skipped);
    }

    /** The seed of member {@code m} (0-based) of an ensemble or soup of fits: member 0 uses the run's seed. */
    public static long memberSeed(long seed, int m) {
        return m == 0 ? seed : Seeds.mix(seed, "setfit-ensemble-" + m);
    }

    /** A uniform model soup: the classifier, the encoder with the averaged weights (owned by the caller: close it), and each member's fit. */
    public record Soup(FewShotClassifier classifier, BertSentenceEncoder encoder, List<Result> members) {}

    /**
     * A uniform model soup (Wortsman et al. 2022) of {@code n} fits: each member fine-tunes a fresh encoder from
     * {@code start} with seed {@link #memberSeed}, their weights are averaged into one encoder (all start from the same
     * model, so they stay in one basin), and the head is fitted on the support set (plus the label names with
     * {@link LabelNames#TRAIN_AND_HEAD}) under the averaged encoder. One model, as cheap to run as one fit, where an
     * ensemble of {@code n} would run {@code n} encoders. {@code listener} sees every member's steps.
     */
    public static Soup fitSoup(BertSource start, EncoderSettings settings, String model, List<String> texts, List<String> labels,
                               List<String> pool, Options o, int n, long seed, StepListener listener) {
        if (n < 2) throw new IllegalArgumentException("a soup needs at least 2 members, got " + n);
        var weights = new java.util.ArrayList<dev.polymath.text.bert.BertWeights>();
        var results = new java.util.ArrayList<Result>();
        for (int m = 0; m < n; m++) {
            try (var enc = BertSentenceEncoder.open(start, settings)) {
                results.add(fit(enc, model, texts, labels, pool, o, memberSeed(seed, m), listener));
                weights.add(enc.model().exportWeights());
            }
        }
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0 / n);
        var soup = dev.polymath.text.bert.BertWeights.linear(weights, w, "soup of " + n);
        weights.clear();
        var src = start.withWeights(soup);
        var enc = BertSentenceEncoder.open(src, settings);
        try {
            var xy = headSet(texts, labels, o.labelNames());
            var clf = FewShotClassifier.fit(enc, model, FewShotMethods.get(o.head()), xy.get(0), xy.get(1), List.of(), seed);
            return new Soup(clf, enc, List.copyOf(results));
        } catch (RuntimeException e) {
            enc.close();
            throw e;
        }
    }

    /** The contrastive training set: {@code texts}/{@code labels}, plus the label names when {@code o.labelNames().train()}. */
    static List<List<String>> trainingSet(List<String> texts, List<String> labels, Options o) {
        return o.labelNames().train() ? withLabelNames(texts, labels) : List.of(texts, labels);
    }

    /** The head's examples: {@code texts}/{@code labels}, plus the label names with {@link LabelNames#TRAIN_AND_HEAD}. */
    public static List<List<String>> headSet(List<String> texts, List<String> labels, LabelNames names) {
        return names == LabelNames.TRAIN_AND_HEAD ? withLabelNames(texts, labels) : List.of(texts, labels);
    }

    /**
     * Pseudo-labels {@code pool} with {@code head} fitted on the support set's embeddings under the (fine-tuned) encoder:
     * at most {@code st.perClass()} per class ({@link PseudoLabels}); pool texts that are support texts (up to case and
     * surrounding blanks) are skipped.
     * The selection's labels index {@code LabelIndex.of(labels)}.
     */
    static PseudoLabels.Selection pseudoLabel(BertSentenceEncoder enc, String model, FewShotMethod head, List<String> texts,
                                              List<String> labels, List<String> pool, SelfTraining st, long seed) {
        return pseudoLabel(FewShotClassifier.fit(enc, model, head, texts, labels, List.of(), seed), enc, texts, labels, pool, st);
    }

    /**
     * Pool rows {@code clf} (over {@code enc}) labels most confidently, {@code st.perClass()} per class at most, the support
     * texts' copies skipped; labels are indices into {@code LabelIndex.of(labels)}.
     */
    static PseudoLabels.Selection pseudoLabel(FewShotClassifier clf, dev.polymath.text.encoder.SentenceEncoder enc, List<String> texts,
                                              List<String> labels, List<String> pool, SelfTraining st) {
        return pseudoLabel(clf.labels(), kept -> clf.predictProba(enc.encode(kept)), texts, labels, pool, st);
    }

    /** As above, the pool's class probabilities (columns in {@code teacherLabels}' order) from {@code proba}. */
    static PseudoLabels.Selection pseudoLabel(LabelIndex teacherLabels, java.util.function.Function<List<String>, double[][]> proba,
                                              List<String> texts, List<String> labels, List<String> pool, SelfTraining st) {
        return pseudoLabel(poolProbabilities(teacherLabels, proba, texts, labels, pool), LabelIndex.of(labels).size(), st);
    }

    /** The most confident {@code st.perClass()} rows per class of {@code p} ({@link PseudoLabels}); rows index the pool. */
    static PseudoLabels.Selection pseudoLabel(PoolProbabilities p, int classes, SelfTraining st) {
        var sel = PseudoLabels.select(p.probabilities(), PseudoLabels.uniformQuota(classes, st.perClass()), st.threshold(), st.pick());
        int[] rows = new int[sel.size()];
        for (int j = 0; j < rows.length; j++) rows[j] = p.rows()[sel.rows()[j]];
        return new PseudoLabels.Selection(rows, sel.labels());
    }

    /**
     * A teacher's class probabilities of the pool texts it may label: {@code rows} index the pool (blank texts and copies
     * of support texts left out), columns follow {@code LabelIndex.of(labels)}.
     */
    record PoolProbabilities(int[] rows, double[][] probabilities) {}

    /** {@link PoolProbabilities} of {@code pool} from {@code proba}, whose columns follow {@code teacherLabels}. */
    static PoolProbabilities poolProbabilities(LabelIndex teacherLabels, java.util.function.Function<List<String>, double[][]> proba,
                                               List<String> texts, List<String> labels, List<String> pool) {
        // case and surrounding blanks ignored: BANKING77's DNNC splits are lowercased copies of train utterances
        var support = new java.util.HashSet<String>();
        for (String t : texts) support.add(normalized(t));
        int[] keep = java.util.stream.IntStream.range(0, pool.size())
                .filter(i -> pool.get(i) != null && !pool.get(i).isBlank() && !support.contains(normalized(pool.get(i)))).toArray();
        var kept = java.util.Arrays.stream(keep).mapToObj(pool::get).toList();
        double[][] p = proba.apply(kept);
        var index = LabelIndex.of(labels);
        int[] col = new int[index.size()];
        for (int c = 0; c < col.length; c++) col[c] = teacherLabels.indexOf(index.label(c));
        double[][] q = new double[p.length][index.size()];
        for (int i = 0; i < p.length; i++) for (int c = 0; c < col.length; c++) q[i][c] = p[i][col[c]];
        return new PoolProbabilities(keep, q);
    }

    private static String normalized(String t) {
        return t.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * {@code steps} supervised steps with {@code o}'s loss on {@code texts}/{@code y} (LoRA adapters, if any, enabled for
     * the round and merged after it); appends the losses, numbers the steps from {@code offset + 1}. Returns the pairs used.
     */
    private static int train(BertSentenceEncoder enc, List<String> texts, List<String> labels, int[] y, int classes, int steps,
                             Options o, long seed, int offset, List<Float> losses, StepListener listener) {
        List<PairSampler.Pair> pairs = List.of();
        List<int[][]> batches = List.of();
        if (o.loss() == Loss.COSINE) {
            pairs = PairSampler.sample(y, o.maxPairs(), seed);
        } else {
            double[][] sim = o.batching() == Batching.SIMILAR ? classSimilarity(enc.encode(texts), y, classes) : null;
            batches = AnchorPositiveSampler.batches(y, o.batchSize(), steps, seed, sim);
        }
        long[][] ids = enc.tokenize(texts);
        BertModel bert = enc.model();
        if (o.loraRank() > 0) bert.enableLora(LoraConfig.all(o.loraRank(), offset == 0 ? seed : Seeds.mix(seed, offset)));
        if (o.freezeBelow() > 0) bert.freezeBelow(o.freezeBelow());
        int done = 0;
        try (var trainer = new BertTrainer(bert, BertTrainer.Options.defaults().withLearningRate(o.learningRate()))) {
            trainer.seed((int) seed);
            if (o.loss() == Loss.COSINE) {
                var order = new java.util.ArrayList<>(pairs);
                var rnd = new java.util.Random(seed);
                int pos = 0;
                while (done < steps) {
                    if (pos >= order.size()) {
                        java.util.Collections.shuffle(order, rnd);
                        pos = 0;
                    }
                    int to = Math.min(order.size(), pos + o.batchSize());
                    int b = to - pos;
                    long[][] a = new long[b][], c = new long[b][];
                    float[] t = new float[b];
                    for (int k = 0; k < b; k++) {
                        var p = order.get(pos + k);
                        a[k] = ids[p.first()];
                        c[k] = ids[p.second()];
                        t[k] = p.target();
                    }
                    pos = to;
                    schedule(trainer, o, done + 1, steps);
                    record(losses, CosinePairLoss.trainStep(trainer, a, c, t), offset + ++done, o);
                    listener.afterStep(offset + done, texts, labels);
                }
            } else {
                for (int[][] batch : batches) {
                    int b = batch.length;
                    long[][] a = new long[b][], c = new long[b][];
                    for (int k = 0; k < b; k++) {
                        a[k] = ids[batch[k][0]];
                        c[k] = ids[batch[k][1]];
                    }
                    float loss;
                    schedule(trainer, o, done + 1, batches.size());
                    if (o.loss() == Loss.MNR || o.loss() == Loss.MNR_SYMMETRIC) {
                        loss = MultipleNegativesRankingLoss.trainStep(trainer, a, c, o.scale(), o.loss() == Loss.MNR_SYMMETRIC);
                    } else {
                        long[][] all = new long[2 * b][];
                        int[] lab = new int[2 * b];
                        for (int k = 0; k < b; k++) {
                            all[k] = a[k];
                            all[b + k] = c[k];
                            lab[k] = lab[b + k] = y[batch[k][0]];
                        }
                        loss = BatchHardTripletLoss.trainStep(trainer, all, lab, BatchHardTripletLoss.DEFAULT_MARGIN);
                    }
                    record(losses, loss, offset + ++done, o);
                    listener.afterStep(offset + done, texts, labels);
                }
            }
        } finally {
            if (bert.hasLora()) bert.mergeLora();
            if (o.freezeBelow() > 0) bert.unfreeze(n -> true);
        }
        return o.loss() == Loss.COSINE ? pairs.size() : batches.stream().mapToInt(b -> b.length).sum();
    }

    /** Sets the learning rate of 1-based step {@code step} of {@code steps} ({@link Options#learningRateAt}). */
    static void schedule(BertTrainer trainer, Options o, int step, int steps) {
        if (o.warmup() > 0) trainer.setOptions(trainer.options().withLearningRate(o.learningRateAt(step, steps)));
    }

    private static void record(List<Float> losses, float loss, int step, Options o) {
        losses.add(loss);
        checkDiverged(losses, step, o);
    }

    /** Support examples whose class has at least two (the anchors of one round of {@link AnchorPositiveSampler}). */
    static int anchors(int[] y, int classes) {
        int[] n = new int[classes];
        for (int c : y) n[c]++;
        int a = 0;
        for (int c : n) if (c >= 2) a += c;
        return a;
    }

    /** Cosine similarity of the class means of {@code emb} (rows labelled {@code y}). */
    static double[][] classSimilarity(dev.polymath.text.FloatMatrix emb, int[] y, int classes) {
        int d = emb.cols();
        double[][] mean = new double[classes][d];
        for (int i = 0; i < y.length; i++) for (int j = 0; j < d; j++) mean[y[i]][j] += emb.get(i, j);
        for (double[] m : mean) {
            double norm = 0;
            for (double v : m) norm += v * v;
            norm = Math.sqrt(norm);
            if (norm > 0) for (int j = 0; j < d; j++) m[j] /= norm;
        }
        double[][] sim = new double[classes][classes];
        for (int a = 0; a < classes; a++) {
            for (int b = a; b < classes; b++) {
                double s = 0;
                for (int j = 0; j < d; j++) s += mean[a][j] * mean[b][j];
                sim[a][b] = sim[b][a] = s;
            }
        }
        return sim;
    }

    /** Steps in a row whose loss was not finite (each skipped by the trainer) after which training counts as diverged. */
    static final int MAX_NON_FINITE_IN_A_ROW = 3;

    /**
     * A step with a non-finite loss or gradient is skipped by {@link BertTrainer} (the parameters stay finite); an isolated
     * one is survivable, {@value #MAX_NON_FINITE_IN_A_ROW} in a row mean training diverged: fail fast instead of fitting
     * a head on broken embeddings.
     */
    static void checkDiverged(List<Float> losses, int step, Options o) {
        checkDiverged(losses, step, "setfit", o.learningRate(), "--setfit-lr");
    }

    /** As {@link #checkDiverged(List, int, Options)} for run {@code what} at learning rate {@code learningRate}, set by CLI option {@code lrOption}. */
    static void checkDiverged(List<Float> losses, int step, String what, double learningRate, String lrOption) {
        int run = 0;
        for (int i = losses.size() - 1; i >= 0 && !Float.isFinite(losses.get(i)); i--) run++;
        if (run >= MAX_NON_FINITE_IN_A_ROW) {
            throw new IllegalStateException(what + " diverged: loss " + losses.get(losses.size() - 1) + " at steps " + (step - run + 1) + "-" + step
                    + " (lr " + learningRate + "); try a lower " + lrOption);
        }
    }

    /**
     * Unsupervised contrastive pre-training (SimCSE): each distinct pool text is its own positive under two
     * dropout masks, the other texts of the batch are negatives ({@link MultipleNegativesRankingLoss}), for
     * {@code o.pretrainSteps()} steps of {@code o.batchSize()} texts, with {@code o}'s learning rate and LoRA rank
     * (adapters merged at the end). Uses no labels. Returns the losses.
     */
    public static float[] pretrain(BertSentenceEncoder enc, List<String> pool, Options o, long seed) {
        var distinct = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(pool.stream().filter(t -> t != null && !t.isBlank()).toList()));
        if (distinct.size() < 2) throw new IllegalArgumentException("unsupervised pre-training needs >= 2 distinct pool texts, got " + distinct.size());
        long[][] ids = enc.tokenize(distinct);
        BertModel bert = enc.model();
        if (o.loraRank() > 0) bert.enableLora(LoraConfig.all(o.loraRank(), seed ^ 0x5EED));
        int b = Math.max(2, Math.min(o.batchSize(), distinct.size()));
        float[] losses = new float[o.pretrainSteps()];
        try (var trainer = new BertTrainer(bert, BertTrainer.Options.defaults().withLearningRate(o.learningRate()))) {
            trainer.seed((int) seed);
            var passes = new ShuffledPasses(ids.length, seed);
            for (int step = 0; step < losses.length; step++) {
                long[][] batch = java.util.Arrays.stream(passes.next(b)).mapToObj(i -> ids[i]).toArray(long[][]::new);
                losses[step] = MultipleNegativesRankingLoss.trainStep(trainer, batch, batch, MultipleNegativesRankingLoss.DEFAULT_SCALE);
                var seen = new java.util.ArrayList<Float>();
                for (int k = Math.max(0, step - MAX_NON_FINITE_IN_A_ROW + 1); k <= step; k++) seen.add(losses[k]);
                checkDiverged(seen, step + 1, o);
            }
        } finally {
            if (bert.hasLora()) bert.mergeLora();
        }
        return losses;
    }

    /**
     * Writes the classifier (as its head method, with the fine-tuned encoder's identity) and the fine-tuned
     * encoder ({@link BertCheckpoint}, tokenizer of {@code source}) into {@code dir}, atomically.
     */
    public static void save(FewShotClassifier clf, BertSentenceEncoder enc, BertSource source, Path dir) {
        if (!enc.identity().equals(clf.encoder())) {
            throw new IllegalArgumentException("the classifier was fitted on encoder " + clf.encoder().describe()
                    + ", not the one given (" + enc.identity().describe() + ")");
        }
        clf.save(dir, staging -> BertCheckpoint.save(enc.model(), source.tokenizerJson(), enc.maxLength(), staging.resolve(ENCODER_DIR)));
    }

    /** Whether {@code dir} is a classifier saved by {@link #save} (it carries its own encoder). */
    public static boolean isSetFit(Path dir) {
        return Files.isDirectory(dir.resolve(ENCODER_DIR));
    }

    /** A saved SetFit classifier and its fine-tuned encoder (owned by the caller: close it). */
    public record Loaded(FewShotClassifier classifier, BertSentenceEncoder encoder) {}

    /** Reads a folder written by {@link #save}; the encoder uses {@code settings} (pooling/normalize must match). */
    public static Loaded load(Path dir, EncoderSettings settings) {
        BertSource src = BertSource.fromFolder(dir.resolve(ENCODER_DIR));
        var enc = BertSentenceEncoder.open(src, settings);
        try {
            return new Loaded(FewShotClassifier.load(dir, enc.identity()), enc);
        } catch (RuntimeException e) {
            enc.close();
            throw e;
        }
    }
}
