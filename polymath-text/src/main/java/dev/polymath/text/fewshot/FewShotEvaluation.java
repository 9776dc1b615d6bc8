package dev.polymath.text.fewshot;

import dev.polymath.core.metric.MeanCi;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.util.Seeds;
import dev.polymath.text.FloatMatrix;
import dev.polymath.text.encoder.SentenceEncoder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Few-shot accuracy of methods on one classification task: on the task's fixed few-shot splits
 * ({@code train_5}, {@code train_10}: the DNNC splits that ship with CLINC150 and BANKING77) and on
 * {@code draws} support sets of K examples per class sampled from {@code train} with seeds 0..draws-1. Each
 * text is embedded once; the unlabelled pool (for {@code raml}, {@code selftrain}) is the train split minus
 * the support set, labels hidden.
 */
public final class FewShotEvaluation {

    /** One row: a method at K shots on one kind of support set. */
    public record Row(String method, int shots, String supports, int draws, List<Double> accuracies, double meanFitMillis,
                      double meanPredictMillis) {
        public MeanCi accuracy() {
            return MeanCi.normal(accuracies.stream().mapToDouble(Double::doubleValue).toArray());
        }

        public double mean() {
            return accuracies.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        /** Sample standard deviation over draws (0 for a single fixed split). */
        public double std() {
            int n = accuracies.size();
            if (n < 2) return 0;
            double m = mean(), ss = 0;
            for (double a : accuracies) ss += (a - m) * (a - m);
            return Math.sqrt(ss / (n - 1));
        }
    }

    private final Task task;
    private final SentenceEncoder encoder;
    private final String model;
    private final Consumer<String> log;
    private final String testSplit;
    private FloatMatrix test;
    private List<String> testTexts;
    private int[] testLabels;
    private dev.polymath.text.bert.BertSource setFitSource;
    private dev.polymath.text.encoder.EncoderSettings setFitSettings;
    private SetFit.Options setFitOptions = SetFit.Options.defaults();
    private dev.polymath.text.bert.BertSource setFitStart;
    private java.util.SortedSet<Integer> setFitCheckpoints = new java.util.TreeSet<>();
    private int setFitEnsemble = 1;
    private List<Double> setFitWise = List.of();
    private boolean setFitSoup;
    private List<dev.polymath.text.bert.BertSource> setFitMemberSources = List.of();
    private List<dev.polymath.text.bert.BertSource> distilStudents = List.of();
    private SetFitDistillation distillation;
    private String selectionSplit;
    private boolean fixedSplits = true;
    private List<String> selectionTexts;
    /** Size of the held-out sample of train when the selection split is {@code train}. */
    static final int HELD_OUT_TRAIN = 2000;
    private int[] selectionLabels;
    private MetaProjection metaProjection;
    private FloatMatrix train;
    private List<Example> trainExamples;

    public FewShotEvaluation(Task task, String testSplit, SentenceEncoder encoder, String model, Consumer<String> log) {
        if (task != null) MetaTuning.checkNotTunedOn(model, task.name());   // an encoder meta-tuned on this dataset has seen its labels
        this.task = task;
        this.encoder = encoder;
        this.model = model;
        this.log = log;
        this.testSplit = testSplit;
    }

    /**
     * Enables {@code setfit} in {@link #run}: each support set fine-tunes a fresh model from {@code source} (which
     * must be the model the frozen encoder computes) and the test set is embedded again with it.
     */
    public FewShotEvaluation withSetFit(dev.polymath.text.bert.BertSource source, dev.polymath.text.encoder.EncoderSettings settings,
                                        SetFit.Options options) {
        this.setFitSource = source;
        this.setFitSettings = settings;
        this.setFitOptions = options;
        this.setFitStart = null;
        return this;
    }

    /**
     * Also scores {@code setfit} after each of these supervised steps (below the recipe's step count), with the recipe's
     * head, as extra rows {@code setfit@<step>}: one fine-tuning run gives the whole learning curve. Step 0 is the
     * encoder before fine-tuning (the frozen baseline, scored the same way). With the
     * constant learning rate and a step-prefix-stable batch order, step k of a longer run is exactly a k-step run.
     */
    public FewShotEvaluation withSetFitCheckpoints(java.util.Collection<Integer> steps) {
        var s = new java.util.TreeSet<Integer>();
        for (int k : steps) {
            if (k < 0) throw new IllegalArgumentException("setfit checkpoint steps must be >= 0, got " + k);
            s.add(k); // a step at or past the end of training gives no row (the final row is that model)
        }
        this.setFitCheckpoints = s;
        return this;
    }

    /**
     * Also scores an ensemble of {@code n} {@code setfit} fits per support set (the recipe's fit with the run's seed, then
     * {@code n - 1} more from derived seeds, each from the start model), their class probabilities averaged, as the row
     * {@code setfit ensemble of n} (and its selection-split row); 1 = no ensemble. Costs n fits.
     */
    public FewShotEvaluation withSetFitEnsemble(int n) {
        if (n < 1) throw new IllegalArgumentException("setfit ensemble size must be >= 1, got " + n);
        this.setFitEnsemble = n;
        return this;
    }

    /**
     * Members 2..n of the ensemble ({@link #withSetFitEnsemble}) fine-tune these encoders instead of the start model,
     * member m from {@code sources.get(m - 2)}, each with its own tokenizer and its own embedding of the test texts:
     * an ensemble across pretrained encoders, whose errors agree less than those of seeds of one encoder. Empty = all
     * members start from the start model.
     */
    public FewShotEvaluation withSetFitMemberEncoders(List<dev.polymath.text.bert.BertSource> sources) {
        this.setFitMemberSources = List.copyOf(sources);
        return this;
    }

    /**
     * Also distils each {@code setfit} fit (the teacher) into {@code students} in turn ({@link SetFitDistillation#chain})
     * through the train texts outside the support set, their labels hidden, and scores each generation as the row
     * {@code setfit distilled into <student>[ then <student>...]} (and its selection-split row). Empty = off.
     */
    public FewShotEvaluation withSetFitDistillation(List<dev.polymath.text.bert.BertSource> students, SetFitDistillation d) {
        if (students.isEmpty() != (d == null)) throw new IllegalArgumentException("distillation needs both a student encoder and its settings");
        this.distilStudents = List.copyOf(students);
        this.distillation = d;
        return this;
    }

    /**
     * Also scores weight-space interpolations of each fine-tuned model with its start model (WiSE-FT): for each {@code a}
     * in {@code alphas}, the encoder {@code start + a (tuned - start)} with a head fitted on the support set, as rows
     * {@code setfit wise a} (and, with a soup, {@code setfit soup of n wise a}). Costs one embedding of the test (and
     * selection) texts per value.
     */
    public FewShotEvaluation withSetFitWise(java.util.Collection<Double> alphas) {
        for (double a : alphas) if (!(a >= 0 && a <= 1)) throw new IllegalArgumentException("WiSE-FT alpha must be in [0, 1], got " + a);
        this.setFitWise = List.copyOf(new java.util.TreeSet<>(alphas));
        return this;
    }

    /**
     * With an ensemble ({@link #withSetFitEnsemble}), also scores the uniform soup of its members: one encoder whose
     * weights are the mean of the members' fine-tuned weights (all start from the same model), with a head fitted on the
     * support set, as the row {@code setfit soup of n}. Unlike the ensemble it is one model, as cheap to run as one fit.
     */
    public FewShotEvaluation withSetFitSoup(boolean on) {
        this.setFitSoup = on;
        return this;
    }

    /**
     * Also scores every {@code setfit} model (final and checkpoints) on {@code split} (e.g. {@code validation}), as rows
     * suffixed {@code (<split>)}: a recipe's settings can then be chosen on that split and read off the test rows of
     * the same run, without a second fine-tuning. {@code train} (for datasets without a validation split) scores a
     * fixed-seed sample of {@value #HELD_OUT_TRAIN} train examples outside each support set.
     */
    public FewShotEvaluation withSetFitSelectionSplit(String split) {
        if (split != null && split.equals(testSplit)) throw new IllegalArgumentException("the selection split must differ from the test split '" + testSplit + "'");
        this.selectionSplit = split;
        return this;
    }

    /** Whether {@link #run} also evaluates the task's fixed few-shot splits (default true). */
    public FewShotEvaluation withFixedSplits(boolean on) {
        this.fixedSplits = on;
        return this;
    }

    /** Enables {@code meta} in {@link #run} with this projection (meta-trained on other classes). */
    public FewShotEvaluation withMeta(MetaProjection projection) {
        this.metaProjection = projection;
        return this;
    }

    private FewShotMethod method(String name) {
        if (name.equals("meta")) {
            if (metaProjection == null) throw new IllegalStateException("meta needs a meta-trained projection: call withMeta first");
            return MetaMethod.with(metaProjection);
        }
        return FewShotMethods.get(name);
    }

    private void embedOnce() {
        if (test != null) return;
        var testEx = task.split(testSplit);
        log.accept("embedding " + testEx.size() + " " + testSplit + " texts of " + task.name());
        testTexts = testEx.stream().map(Example::text).toList();
        test = encoder.encode(testTexts);
        testLabels = new int[testEx.size()];
        for (int i = 0; i < testLabels.length; i++) testLabels[i] = task.labelIndex(testEx.get(i).label());
        trainExamples = task.split(Task.TRAIN);
        log.accept("embedding " + trainExamples.size() + " train texts of " + task.name() + " (support sets and unlabelled pool)");
        train = encoder.encode(trainExamples.stream().map(Example::text).toList());
    }

    /** Evaluates every method at every K; fixed splits first (when the task has them), then {@code draws} sampled support sets. */
    public List<Row> run(List<String> methods, List<Integer> shots, int draws, long seed) {
        for (String m : methods) {
            FewShotMethods.check(m);
            if (m.equals("meta") && metaProjection == null) throw new IllegalStateException("meta needs a meta-trained projection: call withMeta first");
            if (FewShotMethods.isSetFit(m) && setFitSource == null) {
                throw new IllegalStateException("setfit needs a trainable model: call withSetFit first");
            }
        }
        if (!setFitMemberSources.isEmpty()) {
            if (setFitMemberSources.size() != setFitEnsemble - 1) {
                throw new IllegalArgumentException(setFitMemberSources.size() + " member encoder(s) given for an ensemble of " + setFitEnsemble
                        + ": name one for each member after the first (" + (setFitEnsemble - 1) + ")");
            }
            if (setFitSoup) throw new IllegalArgumentException("a soup averages weights of one architecture: it cannot mix member encoders");
        }
        if (Task.TRAIN.equals(selectionSplit) && distillation != null && methods.stream().anyMatch(FewShotMethods::isSetFit)) {
            throw new IllegalArgumentException("selection split 'train' holds out train texts that distillation gives the teacher to label; "
                    + "choose distillation settings on a real validation split");
        }
        if (Task.TRAIN.equals(selectionSplit) && setFitOptions.selfTraining().on() && methods.stream().anyMatch(FewShotMethods::isSetFit)) {
            throw new IllegalArgumentException("selection split 'train' holds out train texts that self-training pseudo-labels; "
                    + "choose self-training settings on a real validation split");
        }
        embedOnce();
        var rows = new ArrayList<Row>();
        for (int k : shots) {
            String fixed = "train_" + k;
            if (fixedSplits && task.hasSplit(fixed)) {
                var support = task.split(fixed);
                for (String m : methods) rows.addAll(evaluate(m, k, "fixed " + fixed, List.of(rowsOf(support)), seed));
            }
            if (draws > 0) {
                var sets = new ArrayList<int[]>();
                for (int d = 0; d < draws; d++) sets.add(sample(k, Seeds.mix(seed, d)));
                for (String m : methods) rows.addAll(evaluate(m, k, "sampled from train", sets, seed));
            }
        }
        return rows;
    }

    /** Indices into train of the fixed split's examples (matched by text and label). */
    private int[] rowsOf(List<Example> support) {
        var byKey = new LinkedHashMap<String, List<Integer>>();
        for (int i = 0; i < trainExamples.size(); i++) {
            Example e = trainExamples.get(i);
            byKey.computeIfAbsent(e.text() + "\u0000" + e.label(), x -> new ArrayList<>()).add(i);
        }
        int[] out = new int[support.size()];
        for (int i = 0; i < out.length; i++) {
            Example e = support.get(i);
            var hits = byKey.get(e.text() + "\u0000" + e.label());
            out[i] = hits == null || hits.isEmpty() ? -1 - i : hits.remove(0);
        }
        return out;
    }

    /** K distinct train examples of every class; a class with fewer than K says so. */
    private int[] sample(int k, long seed) {
        var byLabel = new LinkedHashMap<String, List<Integer>>();
        for (String l : task.labels()) byLabel.put(l, new ArrayList<>());
        for (int i = 0; i < trainExamples.size(); i++) byLabel.get(trainExamples.get(i).label()).add(i);
        var rng = Seeds.stream(seed, "fewshot-support");
        int[] out = new int[k * byLabel.size()];
        int o = 0;
        for (var e : byLabel.entrySet()) {
            var idx = e.getValue();
            if (idx.size() < k) {
                throw new IllegalArgumentException("cannot draw " + k + " examples of class '" + e.getKey() + "' of task '"
                        + task.name() + "': it has " + idx.size() + " in split 'train'");
            }
            for (int j : Seeds.sampleWithoutReplacement(idx.size(), k, rng)) out[o++] = idx.get(j);
        }
        return out;
    }

    private List<Row> evaluate(String methodName, int k, String supports, List<int[]> sets, long seed) {
        var accs = new ArrayList<Double>();
        var atStep = new LinkedHashMap<String, List<Double>>();
        double fitMs = 0, predMs = 0;
        for (int[] set : sets) {
            if (FewShotMethods.isSetFit(methodName)) {
                double[] r = evaluateSetFit(set, supports, seed, atStep);
                accs.add(r[0]);
                fitMs += r[1];
                predMs += r[2];
                continue;
            }
            FewShotMethod method = method(methodName);
            var fixedSupport = task.split(supports.startsWith("fixed ") ? supports.substring(6) : Task.TRAIN);
            int n = set.length, d = train.cols();
            float[] data = new float[n * d];
            var labels = new ArrayList<String>(n);
            for (int i = 0; i < n; i++) {
                if (set[i] >= 0) {
                    System.arraycopy(train.data(), set[i] * d, data, i * d, d);
                    labels.add(trainExamples.get(set[i]).label());
                } else {
                    // a fixed-split example that is not in train: embed it separately
                    Example e = fixedSupport.get(-1 - set[i]);
                    System.arraycopy(encoder.encode(e.text()), 0, data, i * d, d);
                    labels.add(e.label());
                }
            }
            var index = LabelIndex.of(task.labels());
            FloatMatrix pool = null;
            if (method.usesPool()) {
                pool = train.select(trainRowsOutside(set));
            }
            long t0 = System.nanoTime();
            var clf = FewShotClassifier.fit(encoder, model, method, index, new FloatMatrix(n, d, data), index.indicesOf(labels), pool, seed);
            long t1 = System.nanoTime();
            List<String> pred = clf.predict(test);
            long t2 = System.nanoTime();
            int correct = 0;
            for (int i = 0; i < pred.size(); i++) if (pred.get(i).equals(task.labels().get(testLabels[i]))) correct++;
            accs.add(100.0 * correct / pred.size());
            fitMs += (t1 - t0) / 1e6;
            predMs += (t2 - t1) / 1e6;
        }
        var row = new Row(methodName, k, supports, sets.size(), accs, fitMs / sets.size(), predMs / sets.size());
        log.accept(String.format(java.util.Locale.ROOT, "%s %d-shot (%s): %.2f", methodName, k, supports, row.mean()));
        var rows = new ArrayList<Row>();
        rows.add(row);
        atStep.forEach((name, a) -> rows.add(new Row(name, k, supports, a.size(), a, Double.NaN, Double.NaN)));
        return rows;
    }

    /**
     * The model every SetFit fit starts from: {@code setFitSource}, or, with {@code pretrainSteps > 0}, that model
     * after unsupervised pre-training on all train texts of the task (labels unused; CPFT's first stage), done
     * once per evaluation since it does not depend on the support set.
     */
    private dev.polymath.text.bert.BertSource setFitStart(long seed) {
        if (setFitStart != null) return setFitStart;
        if (setFitOptions.pretrainSteps() == 0) return setFitStart = setFitSource;
        var texts = trainExamples.stream().map(Example::text).toList();
        log.accept("setfit: unsupervised pre-training on " + texts.size() + " train texts of " + task.name() + " ("
                + setFitOptions.pretrainSteps() + " steps of " + setFitOptions.batchSize() + ")");
        try (var enc = dev.polymath.text.bert.BertSentenceEncoder.open(setFitSource, setFitSettings)) {
            long t0 = System.nanoTime();
            float[] l = SetFit.pretrain(enc, texts, setFitOptions, seed);
            log.accept(String.format(java.util.Locale.ROOT, "setfit: pre-training loss %.4f -> %.4f in %.0f s", mean(l, 0, 10),
                    mean(l, l.length - 10, l.length), (System.nanoTime() - t0) / 1e9));
            var s = setFitSource;
            setFitStart = new dev.polymath.text.bert.BertSource(s.name() + "+simcse", s.config(), enc.model().exportWeights(),
                    s.tokenizerJson(), s.tokenizerLabel(), s.defaultMaxLength());
        }
        return setFitStart;
    }

    private static double mean(float[] a, int from, int to) {
        from = Math.max(0, from);
        to = Math.min(a.length, to);
        double s = 0;
        for (int i = from; i < to; i++) s += a[i];
        return to > from ? s / (to - from) : Double.NaN;
    }

    /** Accuracy, fit ms and predict ms of SetFit on one support set, with a fresh model. */
    private double[] evaluateSetFit(int[] set, String supports, long seed, java.util.Map<String, List<Double>> extraRows) {
        if (selectionSplit != null && selectionSplit.equals(Task.TRAIN)) {
            // no validation split (BANKING77): hold out train examples outside this support set, a fixed-seed sample
            int[] out = trainRowsOutside(set);
            int n = Math.min(HELD_OUT_TRAIN, out.length);
            var rows = Seeds.sampleWithoutReplacement(out.length, n, Seeds.stream(seed, "fewshot-held-out-train"));
            selectionTexts = new ArrayList<>(n);
            selectionLabels = new int[n];
            for (int j = 0; j < n; j++) {
                Example e = trainExamples.get(out[rows[j]]);
                selectionTexts.add(e.text());
                selectionLabels[j] = task.labelIndex(e.label());
            }
        } else if (selectionSplit != null && selectionTexts == null) {
            var ex = task.split(selectionSplit);
            selectionTexts = ex.stream().map(Example::text).toList();
            selectionLabels = ex.stream().mapToInt(e -> task.labelIndex(e.label())).toArray();
        }
        var fixedSupport = task.split(supports.startsWith("fixed ") ? supports.substring(6) : Task.TRAIN);
        var texts = new ArrayList<String>(set.length);
        var labels = new ArrayList<String>(set.length);
        for (int i = 0; i < set.length; i++) {
            Example e = set[i] >= 0 ? trainExamples.get(set[i]) : fixedSupport.get(-1 - set[i]);
            texts.add(e.text());
            labels.add(e.label());
        }
        var start = setFitStart(seed);
        try (var enc = dev.polymath.text.bert.BertSentenceEncoder.open(start, setFitSettings)) {
            long t0 = System.nanoTime();
            double[] checkpointNanos = {0};
            SetFit.StepListener checkpoint = (step, fitTexts, fitLabels) -> {
                if (!setFitCheckpoints.contains(step)) return;
                long c0 = System.nanoTime();
                // after pseudo-labelling (self-training): setfit@STEP+pseudo has its head on support + pseudo-labels,
                // setfit@STEP+pseudo/support-head on the support set alone
                boolean pseudo = fitTexts.size() > texts.size();
                var heads = new LinkedHashMap<String, List<List<String>>>();
                var names = setFitOptions.labelNames();
                heads.put("setfit@" + step + (pseudo ? "+pseudo" : ""), SetFit.headSet(fitTexts, fitLabels, names));
                if (pseudo) heads.put("setfit@" + step + "+pseudo/support-head", SetFit.headSet(texts, labels, names));
                // label names trained on: the head with and without them costs one more support embedding
                if (names == SetFit.LabelNames.TRAIN) heads.put("setfit@" + step + "/names-in-head", SetFit.headSet(fitTexts, fitLabels, SetFit.LabelNames.TRAIN_AND_HEAD));
                if (names == SetFit.LabelNames.TRAIN_AND_HEAD) heads.put("setfit@" + step + "/support-head", List.of(fitTexts, fitLabels));
                FloatMatrix testE = enc.encode(testTexts), selE = selectionSplit != null ? enc.encode(selectionTexts) : null;
                heads.forEach((name, xy) -> scoreHead(name, enc, xy, testE, selE, seed, extraRows));
                checkpointNanos[0] += System.nanoTime() - c0;
            };
            // the unlabelled pool for self-training: the train texts outside the support set, labels hidden from SetFit
            int[] poolRows = new int[0];
            List<String> pool = List.of();
            if (setFitOptions.selfTraining().on()) {
                poolRows = trainRowsOutside(set);
                pool = java.util.Arrays.stream(poolRows).mapToObj(i -> trainExamples.get(i).text()).toList();
                log.accept("setfit: self-training pool of " + pool.size() + " unlabelled train texts (copies of support texts are skipped)");
            }
            checkpoint.afterStep(0, texts, labels);
            SetFit.Result r;
            // minutes per fit: progress on standard error (the step total depends on epochs and self-training, so none is shown)
            try (var progress = dev.polymath.core.run.Progress.builder("setfit fit").unit("steps").build()) {
                r = SetFit.fit(enc, model, texts, labels, pool, setFitOptions.withPretrainSteps(0), seed, (step, fitTexts, fitLabels) -> {
                    progress.set(step);
                    checkpoint.afterStep(step, fitTexts, fitLabels);
                });
            }
            if (r.pseudoRows().length > 0) {
                int right = 0;
                for (int j = 0; j < r.pseudoRows().length; j++) {
                    if (trainExamples.get(poolRows[r.pseudoRows()[j]]).label().equals(r.pseudoLabels().get(j))) right++;
                }
                // the hidden train labels, read only to report how good the pseudo-labels were
                log.accept(String.format(java.util.Locale.ROOT, "setfit: %d pseudo-labels, %.2f%% correct", r.pseudoRows().length,
                        100.0 * right / r.pseudoRows().length));
            }
            long t1 = System.nanoTime() - (long) checkpointNanos[0];
            log.accept(String.format(java.util.Locale.ROOT, "setfit: %d pairs, %d steps, loss %.4f -> %.4f (first/last 10 steps)%s",
                    r.pairs(), r.steps(), r.meanFirst(10), r.meanLast(10),
                    r.skipped() > 0 ? "; " + r.skipped() + " step(s) skipped: loss not finite" : ""));
            FloatMatrix testEmb = enc.encode(testTexts);
            List<String> pred = r.classifier().predict(testEmb);
            long t2 = System.nanoTime();
            double acc = accuracy(pred);
            if (selectionSplit != null) {
                double v = accuracy(r.classifier().predict(enc.encode(selectionTexts)), selectionLabels);
                extraRows.computeIfAbsent("setfit (" + selectionSplit + ")", x -> new ArrayList<>()).add(v);
                log.accept(String.format(java.util.Locale.ROOT, "setfit: head %s %s %.2f", setFitOptions.head(), selectionSplit, v));
            }
            // the other head on the same fine-tuned encoder, for the record (costs one support embedding)
            String other = setFitOptions.head().equals("prototype") ? "logistic" : "prototype";
            var altTexts = new ArrayList<>(texts);
            var altLabels = new ArrayList<>(labels);
            for (int j = 0; setFitOptions.selfTraining().headOnPseudo() && j < r.pseudoRows().length; j++) {
                altTexts.add(pool.get(r.pseudoRows()[j]));
                altLabels.add(r.pseudoLabels().get(j));
            }
            var alt = FewShotClassifier.fit(enc, model, FewShotMethods.get(other), altTexts, altLabels, List.of(), seed);
            log.accept(String.format(java.util.Locale.ROOT, "setfit: head %s %.2f, head %s %.2f", setFitOptions.head(), acc, other,
                    accuracy(alt.predict(testEmb))));
            if (distillation != null) distil(enc, r.classifier(), texts, labels, set, seed, extraRows);
            var tuned = !setFitWise.isEmpty() || setFitSoup && setFitEnsemble > 1 ? enc.model().exportWeights() : null;
            for (double a : setFitWise) {
                scoreWeights("setfit wise " + a, start, dev.polymath.text.bert.BertWeights.linear(List.of(tuned, start.weights()),
                        new double[] {a, 1 - a}, "wise " + a), texts, labels, seed, extraRows);
            }
            if (setFitEnsemble > 1) {
                var clf = r.classifier();
                var testAvg = new ProbabilityAverage(clf.labels()).add(clf.predictProba(testEmb), clf.labels());
                var selAvg = selectionSplit == null ? null
                        : new ProbabilityAverage(clf.labels()).add(clf.predictProba(enc.encode(selectionTexts)), clf.labels());
                var members = new ArrayList<dev.polymath.text.bert.BertWeights>();
                if (tuned != null) members.add(tuned);
                ensemble(start, texts, labels, pool, seed, testAvg, selAvg, extraRows, setFitSoup ? members : null);
                if (setFitSoup) {
                    double[] w = new double[members.size()];
                    java.util.Arrays.fill(w, 1.0 / w.length);
                    var soup = dev.polymath.text.bert.BertWeights.linear(members, w, "soup of " + w.length);
                    String name = "setfit soup of " + w.length;
                    scoreWeights(name, start, soup, texts, labels, seed, extraRows);
                    for (double a : setFitWise) {
                        scoreWeights(name + " wise " + a, start, dev.polymath.text.bert.BertWeights.linear(List.of(soup, start.weights()),
                                new double[] {a, 1 - a}, name + " wise " + a), texts, labels, seed, extraRows);
                    }
                }
            }
            return new double[] {acc, (t1 - t0) / 1e6, (t2 - t1 - checkpointNanos[0]) / 1e6};
        }
    }

    /** The train rows a support set ({@code set}: train rows, fixed-split entries negative) does not use. */
    private int[] trainRowsOutside(int[] set) {
        var in = new java.util.HashSet<Integer>();
        for (int i : set) in.add(i);
        return java.util.stream.IntStream.range(0, trainExamples.size()).filter(i -> !in.contains(i)).toArray();
    }

    /** Distils the teacher fit through the student encoders via the train texts outside {@code set}; scores each student. */
    private void distil(dev.polymath.text.bert.BertSentenceEncoder teacherEnc, FewShotClassifier teacher, List<String> texts, List<String> labels,
                        int[] set, long seed, java.util.Map<String, List<Double>> extraRows) {
        int[] poolRows = trainRowsOutside(set);
        List<String> pool = java.util.Arrays.stream(poolRows).mapToObj(i -> trainExamples.get(i).text()).toList();
        long[] t0 = {System.nanoTime()};
        try (var progress = dev.polymath.core.run.Progress.builder("distil").total(distillation.totalSteps(distilStudents.size()))
                .unit("steps").build()) {
            distillation.chain(teacher, teacherEnc, distilStudents, setFitSettings, texts, labels, pool, setFitOptions, seed, (g, fold, folds, student, d) -> {
                double fitS = (System.nanoTime() - t0[0]) / 1e9;
                int right = 0;
                for (int j = 0; j < d.pseudoRows().length; j++) {
                    if (trainExamples.get(poolRows[d.pseudoRows()[j]]).label().equals(d.pseudoLabels().get(j))) right++;
                }
                var clf = d.student().classifier();
                String name = "setfit distilled into " + String.join(" then ",
                        distilStudents.subList(0, g + 1).stream().map(dev.polymath.text.bert.BertSource::name).toList())
                        + (folds > 1 ? " (fold " + (fold + 1) + " of " + folds + ")" : "");
                double acc = accuracy(clf.predict(student.encode(testTexts)));
                extraRows.computeIfAbsent(name, x -> new ArrayList<>()).add(acc);
                String sel = "";
                if (selectionSplit != null) {
                    double v = accuracy(clf.predict(student.encode(selectionTexts)), selectionLabels);
                    extraRows.computeIfAbsent(name + " (" + selectionSplit + ")", x -> new ArrayList<>()).add(v);
                    sel = String.format(java.util.Locale.ROOT, ", %s %.2f", selectionSplit, v);
                }
                // the hidden train labels are read only to report how good the teacher's labels were
                log.accept(String.format(java.util.Locale.ROOT, "%s: %d teacher labels of %d pool texts (%.2f%% correct), %d steps, fit %.0f s; %s %.2f%s",
                        name, d.pseudoRows().length, d.poolTexts(), d.pseudoRows().length == 0 ? 0.0 : 100.0 * right / d.pseudoRows().length,
                        d.student().steps(), fitS, testSplit, acc, sel));
                t0[0] = System.nanoTime();
            }, (step, stepTexts, stepLabels) -> progress.step());
        }
    }

    /** Members 2..n of the {@code setfit} ensemble, each a fresh fit from {@code start}, added to the averages; scores them. */
    private void ensemble(dev.polymath.text.bert.BertSource start, List<String> texts, List<String> labels, List<String> pool, long seed,
                          ProbabilityAverage testAvg, ProbabilityAverage selAvg, java.util.Map<String, List<Double>> extraRows,
                          List<dev.polymath.text.bert.BertWeights> weights) {
        for (int m = 1; m < setFitEnsemble; m++) {
            long memberSeed = SetFit.memberSeed(seed, m);
            var from = setFitMemberSources.isEmpty() ? start : setFitMemberSources.get(m - 1);
            try (var enc = dev.polymath.text.bert.BertSentenceEncoder.open(from, setFitSettings)) {
                long t0 = System.nanoTime();
                var clf = SetFit.fit(enc, model, texts, labels, pool, setFitOptions.withPretrainSteps(0), memberSeed).classifier();
                double fitS = (System.nanoTime() - t0) / 1e9;
                if (weights != null) weights.add(enc.model().exportWeights());
                double[][] p = clf.predictProba(enc.encode(testTexts));
                testAvg.add(p, clf.labels());
                String sel = "";
                if (selAvg != null) {
                    double[][] q = clf.predictProba(enc.encode(selectionTexts));
                    selAvg.add(q, clf.labels());
                    sel = String.format(java.util.Locale.ROOT, ", %s %.2f", selectionSplit, accuracy(new ProbabilityAverage(clf.labels()).add(q, clf.labels()).predict(), selectionLabels));
                }
                log.accept(String.format(java.util.Locale.ROOT, "setfit ensemble member %d (%s): fit %.0f s, %s %.2f%s; ensemble of %d: %s %.2f", m + 1, from.name(), fitS,
                        testSplit, accuracy(new ProbabilityAverage(clf.labels()).add(p, clf.labels()).predict()), sel, m + 1, testSplit,
                        accuracy(testAvg.predict())));
            }
        }
        String name = "setfit ensemble of " + setFitEnsemble;
        extraRows.computeIfAbsent(name, x -> new ArrayList<>()).add(accuracy(testAvg.predict()));
        if (selAvg != null) extraRows.computeIfAbsent(name + " (" + selectionSplit + ")", x -> new ArrayList<>()).add(accuracy(selAvg.predict(), selectionLabels));
    }

    /** Scores an encoder with {@code weights} (start's architecture and tokenizer) and a head fitted on the support set, as row {@code name}. */
    private void scoreWeights(String name, dev.polymath.text.bert.BertSource start, dev.polymath.text.bert.BertWeights weights,
                              List<String> texts, List<String> labels, long seed, java.util.Map<String, List<Double>> extraRows) {
        var src = start.withWeights(weights);
        try (var enc = dev.polymath.text.bert.BertSentenceEncoder.open(src, setFitSettings)) {
            scoreHead(name, enc, SetFit.headSet(texts, labels, setFitOptions.labelNames()), enc.encode(testTexts),
                    selectionSplit != null ? enc.encode(selectionTexts) : null, seed, extraRows);
        }
    }

    /** Fits the recipe's head on {@code xy} under {@code enc} and records its test (and selection) accuracy as row {@code name}. */
    private void scoreHead(String name, SentenceEncoder enc, List<List<String>> xy, FloatMatrix testE, FloatMatrix selE, long seed,
                           java.util.Map<String, List<Double>> extraRows) {
        var clf = FewShotClassifier.fit(enc, model, FewShotMethods.get(setFitOptions.head()), xy.get(0), xy.get(1), List.of(), seed);
        double a = accuracy(clf.predict(testE));
        extraRows.computeIfAbsent(name, x -> new ArrayList<>()).add(a);
        String sel = "";
        if (selE != null) {
            double v = accuracy(clf.predict(selE), selectionLabels);
            extraRows.computeIfAbsent(name + " (" + selectionSplit + ")", x -> new ArrayList<>()).add(v);
            sel = String.format(java.util.Locale.ROOT, ", %s %.2f", selectionSplit, v);
        }
        log.accept(String.format(java.util.Locale.ROOT, "%s: head %s %s %.2f%s", name, setFitOptions.head(), testSplit, a, sel));
    }

    private double accuracy(List<String> pred) {
        return accuracy(pred, testLabels);
    }

    private double accuracy(List<String> pred, int[] gold) {
        int correct = 0;
        for (int i = 0; i < pred.size(); i++) if (pred.get(i).equals(task.labels().get(gold[i]))) correct++;
        return 100.0 * correct / pred.size();
    }

    public static Map<String, Object> describe(Row r) {
        var m = new LinkedHashMap<String, Object>();
        m.put("method", r.method());
        m.put("shots", r.shots());
        m.put("supports", r.supports());
        m.put("accuracies", r.accuracies());
        m.put("fit_ms", r.meanFitMillis());
        m.put("predict_ms", r.meanPredictMillis());
        return m;
    }
}
