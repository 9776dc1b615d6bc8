package dev.polymath.text.eval;

import dev.polymath.core.util.Seeds;
import dev.polymath.text.FloatMatrix;
import dev.polymath.text.data.TextDatasets;
import dev.polymath.text.encoder.SentenceEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A quick MTEB-style check of a sentence encoder on two tasks, following MTEB's protocols:
 * <ul>
 *   <li><b>Banking77Classification</b> (MTEB {@code AbsTaskClassification}, method logReg): {@value #EXPERIMENTS}
 *       experiments; in each, the train split's index list is shuffled again (the same list, re-shuffled,
 *       as MTEB) and the first {@value #SAMPLES_PER_LABEL} examples of every label in that order are kept;
 *       a logistic regression (scikit-learn defaults: L2, C = 1, lbfgs, max_iter = 100, see
 *       {@link LogisticRegression}) is fitted on their embeddings and scored by accuracy on the whole test
 *       split (3,080). The score is the mean accuracy over the experiments, in %. The shuffles come from
 *       {@link Seeds} (seed 42), not numpy's generator, so the draws differ from MTEB's: expect agreement
 *       within the spread between draws, not to the digit. MTEB's published score for all-MiniLM-L6-v2: 80.04.</li>
 *   <li><b>STSBenchmark</b> (MTEB {@code AbsTaskSTS}): test split (1,379 pairs); cosine similarity of the two
 *       embeddings against the gold score; main score = Spearman correlation × 100. MTEB's published score for
 *       all-MiniLM-L6-v2: 82.03.</li>
 * </ul>
 */
public final class QuickEval {
    public static final int EXPERIMENTS = 10;
    public static final int SAMPLES_PER_LABEL = 8;
    public static final long SEED = 42;

    private QuickEval() {}

    public record ClassificationResult(double meanAccuracy, double stdAccuracy, double meanMacroF1, double[] accuracies,
                                       int trainPerExperiment, int testSize, int notConverged) {}

    public record StsResult(double spearman, double pearson, int pairs) {}

    public record Result(ClassificationResult banking77, StsResult stsb, String encoder, double seconds) {
        /** The results as a Markdown table with each protocol and the published reference. */
        public String table() {
            var sb = new StringBuilder();
            sb.append("| task | metric | score | MTEB all-MiniLM-L6-v2 | protocol |\n|---|---|---:|---:|---|\n");
            if (banking77 != null) {
                sb.append(String.format(Locale.ROOT, "| Banking77Classification | accuracy (%%) | %.2f ± %.2f | 80.04 | "
                                + "%d draws of %d/label from train (%d texts), logistic regression C=1 max_iter=100, test %d; macro-F1 %.2f |%n",
                        banking77.meanAccuracy(), banking77.stdAccuracy(), EXPERIMENTS, SAMPLES_PER_LABEL,
                        banking77.trainPerExperiment(), banking77.testSize(), banking77.meanMacroF1()));
            }
            if (stsb != null) {
                sb.append(String.format(Locale.ROOT, "| STSBenchmark | cosine Spearman (×100) | %.2f | 82.03 | "
                        + "test split, %d pairs, cosine of embeddings vs gold score; Pearson %.2f |%n", stsb.spearman(), stsb.pairs(), stsb.pearson()));
            }
            sb.append(String.format(Locale.ROOT, "%nencoder: %s; %.1f s", encoder, seconds));
            return sb.toString();
        }
    }

    public static Result run(SentenceEncoder encoder, String encoderDescription, Consumer<String> log) {
        long t0 = System.nanoTime();
        ClassificationResult b = banking77(encoder, log);
        StsResult s = stsb(encoder, log);
        return new Result(b, s, encoderDescription, (System.nanoTime() - t0) / 1e9);
    }

    public static ClassificationResult banking77(SentenceEncoder encoder, Consumer<String> log) {
        var train = TextDatasets.banking77("train");
        var test = TextDatasets.banking77("test");
        int classes = train.labelNames().size();
        // Draw every experiment's sample first, so each distinct train text is encoded once.
        SplittableRandom rng = Seeds.stream(SEED, "mteb-banking77-undersample");
        int[] idxs = new int[train.size()];
        for (int i = 0; i < idxs.length; i++) idxs[i] = i;
        List<int[]> samples = new ArrayList<>();
        var needed = new LinkedHashMap<Integer, Integer>(); // train index -> row in the encoded matrix
        for (int e = 0; e < EXPERIMENTS; e++) {
            Seeds.shuffle(idxs, rng);
            int[] perLabel = new int[classes];
            var chosen = new ArrayList<Integer>();
            for (int i : idxs) {
                if (perLabel[train.labels()[i]] < SAMPLES_PER_LABEL) {
                    perLabel[train.labels()[i]]++;
                    chosen.add(i);
                    needed.putIfAbsent(i, needed.size());
                }
            }
            samples.add(chosen.stream().mapToInt(Integer::intValue).toArray());
        }
        var trainTexts = new ArrayList<String>(needed.size());
        for (int i : needed.keySet()) trainTexts.add(train.texts().get(i));
        log.accept("banking77: encoding " + trainTexts.size() + " sampled train texts and " + test.size() + " test texts");
        FloatMatrix trainEmb = encoder.encode(trainTexts);
        FloatMatrix testEmb = encoder.encode(test.texts());
        double[] acc = new double[EXPERIMENTS];
        double f1Sum = 0;
        int notConverged = 0;
        for (int e = 0; e < EXPERIMENTS; e++) {
            int[] sample = samples.get(e);
            int[] rows = new int[sample.length];
            int[] y = new int[sample.length];
            for (int k = 0; k < sample.length; k++) {
                rows[k] = needed.get(sample[k]);
                y[k] = train.labels()[sample[k]];
            }
            var model = LogisticRegression.fit(trainEmb.select(rows), y, classes, LogisticRegression.Options.defaults());
            if (!model.converged()) notConverged++;
            int[] pred = model.predict(testEmb);
            acc[e] = 100.0 * accuracy(pred, test.labels());
            f1Sum += 100.0 * macroF1(pred, test.labels(), classes);
            log.accept(String.format(Locale.ROOT, "banking77: experiment %d/%d accuracy %.2f (%d L-BFGS iterations%s)",
                    e + 1, EXPERIMENTS, acc[e], model.iterations(), model.converged() ? "" : ", iteration limit"));
        }
        double mean = Arrays.stream(acc).average().orElse(0);
        double var = Arrays.stream(acc).map(a -> (a - mean) * (a - mean)).sum() / acc.length;
        return new ClassificationResult(mean, Math.sqrt(var), f1Sum / EXPERIMENTS, acc, samples.get(0).length, test.size(), notConverged);
    }

    public static StsResult stsb(SentenceEncoder encoder, Consumer<String> log) {
        var pairs = TextDatasets.stsb("test");
        var unique = new LinkedHashMap<String, Integer>();
        for (String s : pairs.first()) unique.putIfAbsent(s, unique.size());
        for (String s : pairs.second()) unique.putIfAbsent(s, unique.size());
        log.accept("stsb: encoding " + unique.size() + " distinct sentences of " + pairs.size() + " test pairs");
        FloatMatrix emb = encoder.encode(new ArrayList<>(unique.keySet()));
        double[] cos = new double[pairs.size()];
        for (int i = 0; i < cos.length; i++) {
            cos[i] = emb.cosine(unique.get(pairs.first().get(i)), emb, unique.get(pairs.second().get(i)));
        }
        return new StsResult(100 * Correlation.spearman(cos, pairs.scores()), 100 * Correlation.pearson(cos, pairs.scores()), pairs.size());
    }

    static double accuracy(int[] pred, int[] gold) {
        int ok = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == gold[i]) ok++;
        return (double) ok / pred.length;
    }

    /** Macro-averaged F1 over the classes present in gold or predictions (as scikit-learn's f1_score average="macro"). */
    static double macroF1(int[] pred, int[] gold, int classes) {
        int[] tp = new int[classes], fp = new int[classes], fn = new int[classes];
        for (int i = 0; i < pred.length; i++) {
            if (pred[i] == gold[i]) tp[gold[i]]++;
            else { fp[pred[i]]++; fn[gold[i]]++; }
        }
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            if (tp[c] + fp[c] + fn[c] == 0) continue;
            present++;
            double denom = 2.0 * tp[c] + fp[c] + fn[c];
            sum += denom == 0 ? 0 : 2.0 * tp[c] / denom;
        }
        return present == 0 ? 0 : sum / present;
    }

    /** Label counts, for tests. */
    static Map<Integer, Integer> counts(int[] labels) {
        var m = new HashMap<Integer, Integer>();
        for (int l : labels) m.merge(l, 1, Integer::sum);
        return m;
    }
}
