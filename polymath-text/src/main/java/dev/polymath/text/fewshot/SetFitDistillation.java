package dev.polymath.text.fewshot;

import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.SentenceEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Distils a fitted few-shot classifier (the teacher, on any encoder) into another encoder (the student) through
 * unlabelled text: the teacher labels the pool, and the student is fine-tuned with {@link SetFit} on the support set
 * plus the pool texts the teacher is surest of, its head fitted on both. (SetFit's own distillation trainer regresses
 * the student's pair similarities on the teacher's and fits only the head on the teacher's labels; here the labels
 * drive the contrastive fine-tuning as well, so any classifier can teach, with or without an encoder of its own.) A larger
 * encoder's accuracy can so be served at a smaller one's cost. {@link #chain} repeats it through several students, each
 * generation's student labelling the pool for the next (a student often beats its teacher, as in born-again networks).
 *
 * @param perClass the most pool texts kept per teacher label (the most confident ones); the quota keeps classes balanced
 * @param steps    the student's fine-tuning steps
 */
public record SetFitDistillation(int perClass, int steps) {

    public SetFitDistillation {
        if (perClass < 1) throw new IllegalArgumentException("distillation needs at least 1 pool text per class, got " + perClass);
        if (steps < 1) throw new IllegalArgumentException("distillation steps must be >= 1, got " + steps);
    }

    /** The student's fit, and which pool rows the teacher labelled with what (indices into {@code pool}, label names). */
    public record Result(SetFit.Result student, int[] pseudoRows, List<String> pseudoLabels) {}

    /** Sees each generation of a {@link #chain} while its student encoder is still open. */
    @FunctionalInterface
    public interface Generation {
        void accept(int generation, BertSentenceEncoder student, Result result);
    }

    /**
     * Distils {@code teacher} into {@code students[0]}, that student into {@code students[1]}, and so on, each fine-tuned
     * from its source with {@link #distil}; {@code onGeneration} sees each (0-based) before its student encoder closes,
     * {@code onStep} every student's every step.
     */
    public void chain(FewShotClassifier teacher, SentenceEncoder teacherEncoder, List<BertSource> students, EncoderSettings settings,
                      List<String> texts, List<String> labels, List<String> pool, SetFit.Options o, long seed, Generation onGeneration,
                      SetFit.StepListener onStep) {
        if (students.isEmpty()) throw new IllegalArgumentException("distillation needs at least one student encoder");
        link(teacher, teacherEncoder, students, 0, settings, texts, labels, pool, o, seed, onGeneration, onStep);
    }

    // recursive so that each teacher encoder stays open exactly while its student learns from it
    private void link(FewShotClassifier teacher, SentenceEncoder teacherEncoder, List<BertSource> students, int g, EncoderSettings settings,
                      List<String> texts, List<String> labels, List<String> pool, SetFit.Options o, long seed, Generation onGeneration,
                      SetFit.StepListener onStep) {
        try (var student = BertSentenceEncoder.open(students.get(g), settings)) {
            var r = distil(teacher, teacherEncoder, student, students.get(g).name(), texts, labels, pool, o, seed, onStep);
            onGeneration.accept(g, student, r);
            if (g + 1 < students.size()) {
                link(r.student().classifier(), student, students, g + 1, settings, texts, labels, pool, o, seed, onGeneration, onStep);
            }
        }
    }

    /**
     * Fine-tunes {@code student} on {@code texts}/{@code labels} plus the teacher's confident labels of {@code pool}.
     * {@code o} is the student's recipe; its step count is replaced by {@link #steps}, and neither its self-training nor
     * its unsupervised stage runs (the teacher's labels take their place).
     */
    public Result distil(FewShotClassifier teacher, SentenceEncoder teacherEncoder, BertSentenceEncoder student, String model,
                         List<String> texts, List<String> labels, List<String> pool, SetFit.Options o, long seed) {
        return distil(teacher, teacherEncoder, student, model, texts, labels, pool, o, seed, SetFit.StepListener.NONE);
    }

    /** {@link #distil(FewShotClassifier, SentenceEncoder, BertSentenceEncoder, String, List, List, List, SetFit.Options, long)}, telling {@code onStep} of every step. */
    public Result distil(FewShotClassifier teacher, SentenceEncoder teacherEncoder, BertSentenceEncoder student, String model,
                         List<String> texts, List<String> labels, List<String> pool, SetFit.Options o, long seed, SetFit.StepListener onStep) {
        if (pool.isEmpty()) throw new IllegalArgumentException("distillation needs unlabelled texts for the teacher to label; none given");
        var index = LabelIndex.of(labels);
        for (int c = 0; c < index.size(); c++) {
            if (!teacher.labels().labels().contains(index.label(c))) {
                throw new IllegalArgumentException("the teacher was not fitted on label '" + index.label(c) + "' of the support set");
            }
        }
        var sel = SetFit.pseudoLabel(teacher, teacherEncoder, texts, labels, pool,
                new SetFit.SelfTraining(perClass, 0, 0, PseudoLabels.Pick.TOP, true));
        var t = new ArrayList<>(texts);
        var l = new ArrayList<>(labels);
        var names = new ArrayList<String>();
        for (int j = 0; j < sel.size(); j++) {
            t.add(pool.get(sel.rows()[j]));
            names.add(index.label(sel.labels()[j]));
        }
        l.addAll(names);
        var r = SetFit.fit(student, model, t, l, List.of(),
                o.withSelfTraining(SetFit.SelfTraining.OFF).withPretrainSteps(0).withMaxSteps(steps), seed, onStep);
        return new Result(r, sel.rows(), List.copyOf(names));
    }
}
