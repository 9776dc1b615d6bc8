package dev.polymath.text.fewshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polymath.text.bert.BertCheckpoint;
import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.bert.BertTrainer;
import dev.polymath.text.bert.MultipleNegativesRankingLoss;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Meta-tuning for zero-shot classification (Zhong et al. 2021, "Adapting Language Models for Zero-shot Learning by
 * Meta-tuning on Dataset and Prompt Collections"): the encoder is fine-tuned on <em>other</em> labelled datasets so
 * that each utterance lies nearest the words of its own label ({@link Support#describeLabel}), which is exactly how
 * {@code zeroshot} classifies. Each step takes one utterance from each of {@code batchSize} distinct classes and asks
 * it to pick out its label's words among the batch's (in-batch negatives, {@link MultipleNegativesRankingLoss}).
 * Classes of different sources with the same words are one class (no false negatives); classes whose words equal a
 * target label are left out on request, and the saved encoder records its sources so that an evaluation on one of
 * them is refused ({@link #checkNotTunedOn}).
 */
public final class MetaTuning {
    private MetaTuning() {}

    /** The provenance record in a meta-tuned encoder folder. */
    public static final String PROVENANCE_FILE = "polymath-meta-tuning.json";

    /** One labelled source dataset: its name (as the catalog or a folder names it) and its examples. */
    public record Source(String dataset, List<String> texts, List<String> labels) {
        public Source {
            if (dataset == null || dataset.isBlank()) throw new IllegalArgumentException("a meta-tuning source needs a name");
            if (texts.size() != labels.size()) throw new IllegalArgumentException(dataset + ": " + texts.size() + " texts but " + labels.size() + " labels");
            texts = List.copyOf(texts);
            labels = List.copyOf(labels);
        }
    }

    /**
     * @param steps        AdamW steps
     * @param batchSize    classes (one utterance each) per step; capped at the number of classes
     * @param learningRate AdamW learning rate (constant)
     * @param scale        the similarity scale of the ranking loss
     */
    public record Options(int steps, int batchSize, double learningRate, float scale) {
        public Options {
            if (steps < 1) throw new IllegalArgumentException("meta-tuning steps must be >= 1, got " + steps);
            if (batchSize < 2) throw new IllegalArgumentException("meta-tuning needs batches of >= 2 classes, got " + batchSize);
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
            if (!(scale > 0) || Float.isInfinite(scale)) throw new IllegalArgumentException("scale must be > 0 and finite, got " + scale);
        }

        /** 300 steps of 64 classes, lr 2e-5, scale 20 (docs/results/fewshot.md, "Meta-tuning for zero-shot"). */
        public static Options defaults() {
            return new Options(300, 64, 2e-5, MultipleNegativesRankingLoss.DEFAULT_SCALE);
        }
    }

    /** A class of the tuning set: its label's words and the utterances of every source that has it. */
    record LabelClass(String words, List<String> texts) {}

    /** What tuning did: classes kept, classes left out as a target's, utterances, the per-step losses. */
    public record Result(int classes, int excluded, int utterances, float[] losses) {
        public double meanFirst(int k) {
            return mean(0, Math.min(k, losses.length));
        }

        public double meanLast(int k) {
            return mean(Math.max(0, losses.length - k), losses.length);
        }

        public int skipped() {
            int n = 0;
            for (float v : losses) if (!Float.isFinite(v)) n++;
            return n;
        }

        private double mean(int from, int to) {
            return SetFit.finiteMean(losses, from, to);
        }
    }

    /**
     * The tuning classes of {@code sources}, by label words (case-insensitive; first spelling kept, first-seen order),
     * without those whose words equal one of {@code exclude}'s; blank texts are skipped. Also returns how many were left out.
     */
    static List<LabelClass> classes(List<Source> sources, Collection<String> exclude, int[] excludedOut) {
        var excluded = new HashSet<String>();
        for (String l : exclude) excluded.add(key(l));
        var byKey = new LinkedHashMap<String, LabelClass>();
        var dropped = new HashSet<String>();
        for (Source s : sources) {
            for (int i = 0; i < s.texts().size(); i++) {
                String text = s.texts().get(i), label = s.labels().get(i);
                if (label == null || label.isBlank()) throw new IllegalArgumentException(s.dataset() + ": example " + i + " has no label");
                String k = key(label);
                if (excluded.contains(k)) {
                    dropped.add(k);
                    continue;
                }
                if (text == null || text.isBlank()) continue;
                byKey.computeIfAbsent(k, x -> new LabelClass(Support.describeLabel(label), new ArrayList<>())).texts().add(text);
            }
        }
        if (excludedOut != null) excludedOut[0] = dropped.size();
        var out = new ArrayList<LabelClass>();
        for (var c : byKey.values()) out.add(new LabelClass(c.words(), List.copyOf(c.texts())));
        return out;
    }

    private static String key(String label) {
        return Support.describeLabel(label).toLowerCase(Locale.ROOT);
    }

    /**
     * The batches: for each step, {@code min(batchSize, classes)} distinct classes drawn uniformly, each with its next
     * utterance (every class walks through a shuffled order of its utterances before repeating one). Entries are
     * {class, row within the class}; deterministic from {@code seed}.
     */
    static int[][][] batches(int[] classSizes, int batchSize, int steps, long seed) {
        int n = classSizes.length;
        int b = Math.min(batchSize, n);
        var rnd = new SplittableRandom(seed);
        int[][] order = new int[n][];
        int[] next = new int[n];
        for (int c = 0; c < n; c++) {
            if (classSizes[c] < 1) throw new IllegalArgumentException("class " + c + " has no utterances");
            order[c] = shuffled(classSizes[c], rnd);
        }
        int[] classes = new int[n];
        for (int c = 0; c < n; c++) classes[c] = c;
        int[][][] out = new int[steps][b][];
        for (int s = 0; s < steps; s++) {
            for (int k = 0; k < b; k++) {    // partial Fisher-Yates: b distinct classes
                int j = k + rnd.nextInt(n - k);
                int t = classes[k];
                classes[k] = classes[j];
                classes[j] = t;
                int c = classes[k];
                if (next[c] == order[c].length) {
                    order[c] = shuffled(classSizes[c], rnd);
                    next[c] = 0;
                }
                out[s][k] = new int[]{c, order[c][next[c]++]};
            }
        }
        return out;
    }

    private static int[] shuffled(int n, SplittableRandom rnd) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /**
     * Fine-tunes {@code enc}'s model in place (every parameter) on {@code sources}, leaving out classes whose words equal
     * one of {@code excludeLabels}; {@code afterStep} sees each finished step (1-based).
     */
    public static Result tune(BertSentenceEncoder enc, List<Source> sources, Collection<String> excludeLabels, Options o, long seed,
                              IntConsumer afterStep) {
        if (sources.isEmpty()) throw new IllegalArgumentException("meta-tuning needs at least one labelled source dataset");
        int[] excluded = new int[1];
        var classes = classes(sources, excludeLabels, excluded);
        if (classes.size() < 2) {
            throw new IllegalArgumentException("meta-tuning needs >= 2 classes with utterances; the sources " + sources.stream().map(Source::dataset).toList()
                    + " have " + classes.size() + (excluded[0] > 0 ? " after leaving out " + excluded[0] + " named like the target's" : ""));
        }
        int[] sizes = new int[classes.size()];
        int[] offset = new int[classes.size()];
        var texts = new ArrayList<String>();
        var words = new ArrayList<String>();
        for (int c = 0; c < sizes.length; c++) {
            offset[c] = texts.size();
            sizes[c] = classes.get(c).texts().size();
            texts.addAll(classes.get(c).texts());
            words.add(classes.get(c).words());
        }
        long[][] ids = enc.tokenize(texts);
        long[][] wordIds = enc.tokenize(words);
        float[] losses = new float[o.steps()];
        var seen = new ArrayList<Float>();
        try (var trainer = new BertTrainer(enc.model(), BertTrainer.Options.defaults().withLearningRate(o.learningRate()))) {
            trainer.seed((int) seed);
            int[][][] batches = batches(sizes, o.batchSize(), o.steps(), seed);
            for (int s = 0; s < batches.length; s++) {
                int b = batches[s].length;
                long[][] a = new long[b][], p = new long[b][];
                for (int k = 0; k < b; k++) {
                    int c = batches[s][k][0];
                    a[k] = ids[offset[c] + batches[s][k][1]];
                    p[k] = wordIds[c];
                }
                losses[s] = MultipleNegativesRankingLoss.trainStep(trainer, a, p, o.scale());
                seen.add(losses[s]);
                SetFit.checkDiverged(seen, s + 1, "meta-tuning", o.learningRate(), "--lr");
                afterStep.accept(s + 1);
            }
        }
        return new Result(classes.size(), excluded[0], texts.size(), losses);
    }

    /** The provenance record written with a tuned encoder: its sources (what {@link #checkNotTunedOn} reads) and settings. */
    public static String provenance(List<Source> sources, String excludedLabelsOf, Options o, long seed, Result r) {
        var m = new ObjectMapper();
        ObjectNode n = m.createObjectNode();
        n.put("method", "meta-tuning for zero-shot: utterance -> its label's words, in-batch negatives");
        var arr = n.putArray("sources");
        for (Source s : sources) arr.add(s.dataset());
        if (excludedLabelsOf != null) n.put("excluded_labels_of", excludedLabelsOf);
        n.put("classes", r.classes());
        n.put("excluded_classes", r.excluded());
        n.put("utterances", r.utterances());
        n.put("steps", o.steps());
        n.put("batch_size", o.batchSize());
        n.put("learning_rate", o.learningRate());
        n.put("scale", o.scale());
        n.put("seed", seed);
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Saves the tuned encoder as a sentence-transformers folder with its provenance record, atomically. */
    public static void save(BertSentenceEncoder enc, BertSource source, Path dir, String provenance) {
        BertCheckpoint.save(enc.model().exportWeights(), enc.model().config(), source.tokenizerJson(), enc.maxLength(), dir,
                Map.of(PROVENANCE_FILE, provenance));
    }

    /** The source datasets a meta-tuned encoder folder records; empty for any other encoder spec (e.g. {@code minilm}). */
    public static List<String> tunedOn(String encoderSpec) {
        if (encoderSpec == null) return List.of();
        Path f;
        try {
            f = Path.of(encoderSpec.trim()).resolve(PROVENANCE_FILE);
        } catch (java.nio.file.InvalidPathException e) {
            return List.of();
        }
        if (!Files.isRegularFile(f)) return List.of();
        try {
            JsonNode n = new ObjectMapper().readTree(f.toFile());
            JsonNode s = n.get("sources");
            if (s == null || !s.isArray()) throw new IllegalArgumentException(f + ": field 'sources' is missing or not a list");
            var out = new ArrayList<String>();
            for (JsonNode x : s) out.add(x.asText());
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException(f + ": not a readable meta-tuning record: " + e.getMessage(), e);
        }
    }

    /** Fails when {@code encoderSpec} was meta-tuned on {@code target}'s dataset: it has seen the target's labelled texts. */
    public static void checkNotTunedOn(String encoderSpec, String target) {
        for (String s : tunedOn(encoderSpec)) {
            if (sameDataset(s, target)) {
                throw new IllegalArgumentException("encoder " + encoderSpec + " was meta-tuned on " + s + " (" + PROVENANCE_FILE
                        + "); evaluating it on " + target + " would score it on a dataset it was trained on: tune on other datasets");
            }
        }
    }

    /** Whether two references name the same dataset ({@code clinc150:train} and {@code clinc150/intent} do). */
    public static boolean sameDataset(String a, String b) {
        return dataset(a).equals(dataset(b));
    }

    /** The dataset a reference names: {@code clinc150/intent:train} and {@code clinc150} both name {@code clinc150}; a folder its name. */
    static String dataset(String ref) {
        String r = ref.strip();
        int colon = r.lastIndexOf(':');
        if (colon > 0 && !r.substring(colon + 1).contains("/")) r = r.substring(0, colon);
        Path p = Path.of(r);
        if (Files.exists(p)) return p.toAbsolutePath().normalize().getFileName().toString().toLowerCase(Locale.ROOT);
        int slash = r.indexOf('/');
        return (slash > 0 ? r.substring(0, slash) : r).toLowerCase(Locale.ROOT);
    }
}
