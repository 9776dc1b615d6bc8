package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;
import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.SentenceEncoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Function;

/**
 * Distils a fitted few-shot classifier (the teacher, on any encoder) into another encoder (the student) through
 * unlabelled text: the teacher labels the pool, and the student is fine-tuned with {@link SetFit} on the support set
 * plus the pool texts the teacher is surest of, its head fitted on both. (SetFit's own distillation trainer regresses
 * the student's pair similarities on the teacher's and fits only the head on the teacher's labels; here the labels
 * drive the contrastive fine-tuning as well, so any classifier can teach, with or without an encoder of its own.) A larger
 * encoder's accuracy can so be served at a smaller one's cost. {@link #chain} repeats it through several students, each
 * generation labelling the pool for the next.
 *
 * <p>A student that learnt a pool text's label repeats it: relabelling its own training pool, it mostly echoes its
 * teacher. With {@code folds > 1} each generation but the last is therefore cross-fitted: {@code folds} students each
 * learn the teacher's labels outside one fold of the pool and label that fold, so every pool text is relabelled by a
 * student that never saw its label.
 *
 * <p>With {@code softSteps > 0} the student then learns the teacher's class probabilities of every pool text it may
 * label, not only the kept labels ({@link SoftTargetTraining}: knowledge distillation's soft targets, the support set's
 * own labels as one-hot targets), and its head is fitted again.
 *
 * <p>With {@code propagation} on, the teacher's class probabilities of the pool are first spread over a nearest-neighbour
 * graph of the teacher's embeddings of the pool and the support set ({@link LabelPropagation}; support texts start from
 * their own labels), and the kept labels and soft targets come from the spread distributions.
 *
 * @param perClass    the most pool texts kept per teacher label (the most confident ones); the quota keeps classes balanced
 * @param steps       the student's fine-tuning steps
 * @param folds       cross-fitting folds of the pool for the generations before the last (1 = none)
 * @param softSteps   steps of soft-target training after the contrastive ones (0 = none)
 * @param temperature the soft targets are the teacher's probabilities at this temperature, {@code q^(1/T)} renormalized
 *                    (Hinton et al.'s T; for a cosine head, its scale divided by T): a fine-tuned teacher's head is
 *                    calibrated on support texts it was trained on, so its probabilities are near one-hot at T = 1
 * @param propagation how the teacher's pool probabilities are spread before they are used ({@link LabelPropagation#OFF}: not)
 */
public record SetFitDistillation(int perClass, int steps, int folds, int softSteps, double temperature, LabelPropagation propagation) {

    public SetFitDistillation {
        if (perClass < 1) throw new IllegalArgumentException("distillation needs at least 1 pool text per class, got " + perClass);
        if (steps < 1) throw new IllegalArgumentException("distillation steps must be >= 1, got " + steps);
        if (folds < 1) throw new IllegalArgumentException("distillation folds must be >= 1, got " + folds);
        if (softSteps < 0) throw new IllegalArgumentException("soft-target steps must be >= 0, got " + softSteps);
        if (!(temperature > 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("distillation temperature must be > 0 and finite, got " + temperature);
        if (propagation == null) throw new IllegalArgumentException("distillation label propagation must be given (LabelPropagation.OFF for none)");
    }

    public SetFitDistillation(int perClass, int steps, int folds, int softSteps, double temperature) {
        this(perClass, steps, folds, softSteps, temperature, LabelPropagation.OFF);
    }

    public SetFitDistillation(int perClass, int steps) {
        this(perClass, steps, 1, 0, 1);
    }

    public SetFitDistillation(int perClass, int steps, int folds) {
        this(perClass, steps, folds, 0, 1);
    }

    public SetFitDistillation(int perClass, int steps, int folds, int softSteps) {
        this(perClass, steps, folds, softSteps, 1);
    }

    /** {@code q} at temperature {@code t}: {@code q^(1/t)} renormalized (computed in log space; zeros stay zero). */
    static double[] tempered(double[] q, double t) {
        if (t == 1) return q;
        double max = Double.NEGATIVE_INFINITY;
        double[] out = new double[q.length];
        for (int c = 0; c < q.length; c++) {
            out[c] = Math.log(q[c]) / t;
            max = Math.max(max, out[c]);
        }
        double sum = 0;
        for (int c = 0; c < q.length; c++) sum += out[c] = Math.exp(out[c] - max);
        for (int c = 0; c < q.length; c++) out[c] /= sum;
        return out;
    }

    /** Optimizer steps a {@link #chain} through {@code students} students takes in all (the cross-fitted generations {@code folds} times). */
    public long totalSteps(int students) {
        return (long) (steps + softSteps) * (students + (long) (folds - 1) * Math.max(0, students - 1));
    }

    /**
     * The student's fit, which pool rows the teacher labelled with what (indices into {@code pool}, label names), and how
     * many pool texts the student's share was (the whole pool, or with cross-fitting the texts outside its fold).
     */
    public record Result(SetFit.Result student, int[] pseudoRows, List<String> pseudoLabels, int poolTexts) {}

    /** Sees each student of a {@link #chain} while its encoder is still open ({@code fold} of {@code folds}; 0 of 1 when not cross-fitted). */
    @FunctionalInterface
    public interface Generation {
        void accept(int generation, int fold, int folds, BertSentenceEncoder student, Result result);
    }

    /** This distillation with the teacher's pool probabilities spread by {@code p} first. */
    public SetFitDistillation withPropagation(LabelPropagation p) {
        return new SetFitDistillation(perClass, steps, folds, softSteps, temperature, p);
    }

    /**
     * Class probabilities of texts, columns in {@code labels}' order, and the teacher's embeddings of texts: a fitted
     * classifier with its encoder, or labels computed before ({@code embed} null: no encoder to build a graph with).
     */
    record Teacher(LabelIndex labels, Function<List<String>, double[][]> proba, Function<List<String>, FloatMatrix> embed) {
        static Teacher of(FewShotClassifier clf, SentenceEncoder enc) {
            // the pool is embedded once, for its probabilities and then for its graph
            var last = new Object() {
                List<String> texts;
                FloatMatrix x;
            };
            Function<List<String>, FloatMatrix> embed = texts -> {
                if (!texts.equals(last.texts)) {
                    last.x = enc.encode(texts);
                    last.texts = List.copyOf(texts);
                }
                return last.x;
            };
            return new Teacher(clf.labels(), texts -> clf.predictProba(embed.apply(texts)), embed);
        }
    }

    /**
     * Distils {@code teacher} into {@code students[0]}, that generation into {@code students[1]}, and so on, each
     * fine-tuned from its source with {@link #distil}; {@code onGeneration} sees each student (generation 0-based)
     * before its encoder closes, {@code onStep} every student's every step.
     */
    public void chain(FewShotClassifier teacher, SentenceEncoder teacherEncoder, List<BertSource> students, EncoderSettings settings,
                      List<String> texts, List<String> labels, List<String> pool, SetFit.Options o, long seed, Generation onGeneration,
                      SetFit.StepListener onStep) {
        if (students.isEmpty()) throw new IllegalArgumentException("distillation needs at least one student encoder");
        if (folds > 1 && students.size() == 1) {
            throw new IllegalArgumentException("cross-fitting (" + folds + " folds) relabels the pool for a later student; name at least two students");
        }
        if (folds > pool.size()) throw new IllegalArgumentException(folds + " folds for a pool of " + pool.size() + " texts");
        if (folds > 1 && propagation.on()) {
            throw new IllegalArgumentException("label propagation builds its graph from the teacher's embeddings; a cross-fitted generation ("
                    + folds + " folds) has no single encoder to give them");
        }
        link(Teacher.of(teacher, teacherEncoder), students, 0, settings, texts, labels, pool, o, seed, onGeneration, onStep);
    }

    private void link(Teacher teacher, List<BertSource> students, int g, EncoderSettings settings, List<String> texts, List<String> labels,
                      List<String> pool, SetFit.Options o, long seed, Generation onGeneration, SetFit.StepListener onStep) {
        boolean last = g + 1 == students.size();
        if (folds > 1 && !last) {
            link(crossFitted(teacher, students.get(g), g, settings, texts, labels, pool, o, seed, onGeneration, onStep),
                    students, g + 1, settings, texts, labels, pool, o, seed, onGeneration, onStep);
            return;
        }
        // recursive so that each student encoder stays open exactly while the next generation learns from it
        try (var student = BertSentenceEncoder.open(students.get(g), settings)) {
            var r = distil(teacher, student, students.get(g).name(), texts, labels, pool, o, seed, onStep);
            onGeneration.accept(g, 0, 1, student, r);
            if (!last) link(Teacher.of(r.student().classifier(), student), students, g + 1, settings, texts, labels, pool, o, seed, onGeneration, onStep);
        }
    }

    /** The out-of-fold labels of the pool: fold k labelled by a student that learnt the teacher's labels of the other folds. */
    private Teacher crossFitted(Teacher teacher, BertSource source, int g, EncoderSettings settings, List<String> texts, List<String> labels,
                                List<String> pool, SetFit.Options o, long seed, Generation onGeneration, SetFit.StepListener onStep) {
        int[] order = shuffled(pool.size(), seed);
        var index = LabelIndex.of(labels);
        var table = new HashMap<String, double[]>();
        for (int k = 0; k < folds; k++) {
            var inRows = new ArrayList<Integer>();
            var outTexts = new ArrayList<String>();
            for (int i = 0; i < order.length; i++) {
                if (i % folds == k) outTexts.add(pool.get(order[i]));
                else inRows.add(order[i]);
            }
            var in = inRows.stream().map(pool::get).toList();
            try (var student = BertSentenceEncoder.open(source, settings)) {
                var r = distil(teacher, student, source.name(), texts, labels, in, o, seed + k, onStep);
                int[] rows = java.util.Arrays.stream(r.pseudoRows()).map(inRows::get).toArray(); // back to indices into pool
                onGeneration.accept(g, k, folds, student, new Result(r.student(), rows, r.pseudoLabels(), in.size()));
                var clf = r.student().classifier();
                double[][] p = clf.predictProba(student.encode(outTexts));
                for (int i = 0; i < p.length; i++) {
                    double[] q = new double[index.size()];
                    for (int c = 0; c < q.length; c++) q[c] = p[i][clf.labels().indexOf(index.label(c))];
                    table.put(outTexts.get(i), q);
                }
            }
        }
        return new Teacher(index, ts -> ts.stream().map(t -> {
            double[] q = table.get(t);
            if (q == null) throw new IllegalStateException("no cross-fitted label for pool text '" + t + "'");
            return q;
        }).toArray(double[][]::new), null);
    }

    private static int[] shuffled(int n, long seed) {
        var list = new ArrayList<Integer>();
        for (int i = 0; i < n; i++) list.add(i);
        java.util.Collections.shuffle(list, new java.util.Random(seed));
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Fine-tunes {@code student} on {@code texts}/{@code labels} plus the teacher's confident labels of {@code pool}.
     * {@code o} is the student's recipe; its step count is replaced by {@link #steps}, and neither its self-training nor
     * its unsupervised stage runs (the teacher's labels take their place).
     */
    public Result distil(FewShotClassifier teacher, SentenceEncoder teacherEncoder, BertSentenceEncoder student, String model,
                         List<String> texts, List<String> labels, List<String> pool, SetFit.Options o, long seed) {
        return distil(Teacher.of(teacher, teacherEncoder), student, model, texts, labels, pool, o, seed, SetFit.StepListener.NONE);
    }

    private Result distil(Teacher teacher, BertSentenceEncoder enc, String model, List<String> texts, List<String> labels,
                          List<String> pool, SetFit.Options o, long seed, SetFit.StepListener onStep) {
        if (pool.isEmpty()) throw new IllegalArgumentException("distillation needs unlabelled texts for the teacher to label; none given");
        if (softSteps > 0 && o.loraRank() > 0) {
            throw new IllegalArgumentException("soft-target steps fine-tune every weight of the student; LoRA (rank " + o.loraRank() + ") is not supported with them");
        }
        var index = LabelIndex.of(labels);
        for (int c = 0; c < index.size(); c++) {
            if (!teacher.labels().labels().contains(index.label(c))) {
                throw new IllegalArgumentException("the teacher was not fitted on label '" + index.label(c) + "' of the support set");
            }
        }
        var probabilities = SetFit.poolProbabilities(teacher.labels(), teacher.proba(), texts, labels, pool);
        if (propagation.on()) probabilities = propagate(teacher, probabilities, texts, labels, pool);
        var sel = SetFit.pseudoLabel(probabilities, index.size(), new SetFit.SelfTraining(perClass, 0, 0, PseudoLabels.Pick.TOP, true));
        var t = new ArrayList<>(texts);
        var l = new ArrayList<>(labels);
        var names = new ArrayList<String>();
        for (int j = 0; j < sel.size(); j++) {
            t.add(pool.get(sel.rows()[j]));
            names.add(index.label(sel.labels()[j]));
        }
        l.addAll(names);
        var student = o.withSelfTraining(SetFit.SelfTraining.OFF).withPretrainSteps(0).withMaxSteps(steps);
        var r = SetFit.fit(enc, model, t, l, List.of(), student, seed, onStep);
        if (softSteps > 0) r = soften(enc, model, r, texts, labels, probabilities, pool, t, l, student, seed, onStep);
        return new Result(r, sel.rows(), List.copyOf(names), pool.size());
    }

    /** {@code p} spread over the graph of the teacher's embeddings of the pool texts it gave and the support texts (their own labels as priors). */
    private SetFit.PoolProbabilities propagate(Teacher teacher, SetFit.PoolProbabilities p, List<String> texts, List<String> labels, List<String> pool) {
        if (teacher.embed() == null) throw new IllegalArgumentException("label propagation needs the teacher's embeddings of the pool; this teacher has none");
        var index = LabelIndex.of(labels);
        int n = p.rows().length;
        var nodes = new ArrayList<String>(n + texts.size());
        for (int row : p.rows()) nodes.add(pool.get(row));
        var x = teacher.embed().apply(nodes);
        var support = teacher.embed().apply(texts);
        double[][] prior = new double[n + texts.size()][];
        System.arraycopy(p.probabilities(), 0, prior, 0, n);
        int[] y = index.indicesOf(labels);
        for (int i = 0; i < y.length; i++) {
            prior[n + i] = new double[index.size()];
            prior[n + i][y[i]] = 1;
        }
        float[] both = java.util.Arrays.copyOf(x.data(), x.data().length + support.data().length);
        System.arraycopy(support.data(), 0, both, x.data().length, support.data().length);
        double[][] f = propagation.spread(new FloatMatrix(n + texts.size(), x.cols(), both), prior);
        return new SetFit.PoolProbabilities(p.rows(), java.util.Arrays.copyOf(f, n));
    }

    /**
     * Soft-target training of the contrastively fine-tuned student: the support texts (and the label names when the recipe
     * trains on them) with one-hot targets, every pool text the teacher could label with its probabilities; the class
     * vectors come from the contrastive training set {@code t}/{@code l}, and the head is fitted again on it.
     */
    private SetFit.Result soften(BertSentenceEncoder enc, String model, SetFit.Result r, List<String> texts, List<String> labels,
                                 SetFit.PoolProbabilities probabilities, List<String> pool, List<String> t, List<String> l,
                                 SetFit.Options o, long seed, SetFit.StepListener onStep) {
        var index = LabelIndex.of(labels);
        var gold = SetFit.trainingSet(texts, labels, o);
        var kdTexts = new ArrayList<>(gold.get(0));
        var targets = new ArrayList<double[]>();
        for (int y : index.indicesOf(gold.get(1))) {
            double[] oneHot = new double[index.size()];
            oneHot[y] = 1;
            targets.add(oneHot);
        }
        for (int i = 0; i < probabilities.rows().length; i++) {
            kdTexts.add(pool.get(probabilities.rows()[i]));
            targets.add(tempered(probabilities.probabilities()[i], temperature));
        }
        var classSet = SetFit.trainingSet(t, l, o);
        var losses = new ArrayList<Float>();
        for (float v : r.losses()) losses.add(v);
        SoftTargetTraining.train(enc, kdTexts, targets.toArray(double[][]::new), classSet.get(0), index.indicesOf(classSet.get(1)), index.size(),
                softSteps, o, dev.polymath.core.util.Seeds.mix(seed, "soft-targets"), r.steps(), losses, step -> onStep.afterStep(step, t, l));
        var head = SetFit.headSet(t, l, o.labelNames());
        var clf = FewShotClassifier.fit(enc, model, FewShotMethods.get(o.head()), head.get(0), head.get(1), List.of(), seed);
        float[] all = new float[losses.size()];
        int skipped = 0;
        for (int i = 0; i < all.length; i++) {
            all[i] = losses.get(i);
            if (!Float.isFinite(all[i])) skipped++;
        }
        return new SetFit.Result(clf, r.pairs(), all.length, all, r.pseudoRows(), r.pseudoLabels(), skipped);
    }
}
