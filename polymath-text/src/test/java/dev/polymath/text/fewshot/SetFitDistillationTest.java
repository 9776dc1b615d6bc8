package dev.polymath.text.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.encoder.EncoderSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SetFitDistillation} on 4 BANKING77 intents: a frozen prototype teacher labels a pool, a MiniLM student learns from it. */
class SetFitDistillationTest {

    /** The first {@code n} BANKING77 intents: each one's first {@code shots} train texts as the support set, the rest up to {@code upTo} as the pool. */
    private record Subset(List<String> texts, List<String> labels, List<String> pool, List<String> poolLabels) {
        static Subset of(int n, int shots, int upTo) {
            Task t = DatasetCatalog.load("banking77").tasks().get(0);
            var keep = t.labels().subList(0, n);
            var texts = new ArrayList<String>();
            var labels = new ArrayList<String>();
            var pool = new ArrayList<String>();
            var poolLabels = new ArrayList<String>();
            var counts = new HashMap<String, Integer>();
            for (Example e : t.split(Task.TRAIN)) {
                if (!keep.contains(e.label())) continue;
                int k = counts.merge(e.label(), 1, Integer::sum);
                if (k <= shots) {
                    texts.add(e.text());
                    labels.add(e.label());
                } else if (k <= upTo) {
                    pool.add(e.text());
                    poolLabels.add(e.label());
                }
            }
            return new Subset(texts, labels, pool, poolLabels);
        }
    }

    @Test
    void theStudentLearnsTheTeachersMostConfidentLabelsOfThePool() {
        var sub = Subset.of(4, 5, 15);
        List<String> texts = sub.texts(), labels = sub.labels();
        var pool = new ArrayList<>(sub.pool());
        pool.add(texts.get(0).toUpperCase()); // a copy of a support text: never a teacher label
        var settings = EncoderSettings.defaults().withThreads(1);
        BertSource src = BertSource.builtinMiniLm();
        try (var teacherEnc = BertSentenceEncoder.open(src, settings); var student = BertSentenceEncoder.open(src, settings)) {
            var teacher = FewShotClassifier.fit(teacherEnc, "minilm", new PrototypeMethod(), texts, labels, List.of(), 0);
            var o = SetFit.Options.defaults().withBatchSize(8).withMaxSteps(50);
            var d = new SetFitDistillation(3, 4).distil(teacher, teacherEnc, student, "minilm", texts, labels, pool, o, 0);

            // at most 3 per teacher label, each the teacher's own prediction, the support copy left out
            assertTrue(d.pseudoRows().length <= 12 && d.pseudoRows().length >= 8, "kept " + d.pseudoRows().length);
            var perLabel = new HashMap<String, Integer>();
            List<String> teacherSays = teacher.predict(teacherEnc.encode(pool));
            for (int j = 0; j < d.pseudoRows().length; j++) {
                int row = d.pseudoRows()[j];
                assertEquals(teacherSays.get(row), d.pseudoLabels().get(j), "pool row " + row);
                assertFalse(row == pool.size() - 1, "the support copy was labelled");
                assertTrue(perLabel.merge(d.pseudoLabels().get(j), 1, Integer::sum) <= 3);
            }
            // the student trained for the distillation's steps, not the recipe's, and knows exactly the support labels
            assertEquals(4, d.student().steps());
            assertEquals(new java.util.TreeSet<>(labels), new java.util.TreeSet<>(d.student().classifier().labels().labels()));
            // its fine-tuned encoder is not the teacher's
            assertTrue(student.encode(texts.subList(0, 1)).cosine(0, teacherEnc.encode(texts.subList(0, 1)), 0) < 0.99999);

            var e = assertThrows(IllegalArgumentException.class,
                    () -> new SetFitDistillation(3, 4).distil(teacher, teacherEnc, student, "minilm", texts, labels, List.of(), o, 0));
            assertTrue(e.getMessage().contains("unlabelled texts"), e.getMessage());
            var other = new ArrayList<>(labels);
            other.set(0, "never_fitted");
            e = assertThrows(IllegalArgumentException.class,
                    () -> new SetFitDistillation(3, 4).distil(teacher, teacherEnc, student, "minilm", texts, other, pool, o, 0));
            assertTrue(e.getMessage().contains("'never_fitted'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new SetFitDistillation(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new SetFitDistillation(3, 0));
    }

    @Test
    void inAChainEachStudentIsTheNextOnesTeacher() {
        var sub = Subset.of(3, 4, 10);
        List<String> texts = sub.texts(), labels = sub.labels(), pool = sub.pool();
        var settings = EncoderSettings.defaults().withThreads(1);
        BertSource src = BertSource.builtinMiniLm();
        var seen = new ArrayList<Integer>();
        var firstStudentSays = new ArrayList<String>();
        int[] steps = {0};
        try (var teacherEnc = BertSentenceEncoder.open(src, settings)) {
            var teacher = FewShotClassifier.fit(teacherEnc, "minilm", new PrototypeMethod(), texts, labels, List.of(), 0);
            var o = SetFit.Options.defaults().withBatchSize(6);
            new SetFitDistillation(6, 3).chain(teacher, teacherEnc, List.of(src, src), settings, texts, labels, pool, o, 0, (g, fold, folds, student, d) -> {
                seen.add(g);
                assertEquals(3, d.student().steps());
                if (g == 0) {
                    firstStudentSays.addAll(d.student().classifier().predict(student.encode(pool)));
                } else {
                    // the second generation learnt the first student's labels of the pool, not the frozen teacher's
                    for (int j = 0; j < d.pseudoRows().length; j++) {
                        assertEquals(firstStudentSays.get(d.pseudoRows()[j]), d.pseudoLabels().get(j), "pool row " + d.pseudoRows()[j]);
                    }
                    assertTrue(d.pseudoRows().length > 0, "kept none");
                }
            }, (step, stepTexts, stepLabels) -> steps[0]++);
            assertEquals(List.of(0, 1), seen);
            assertEquals(6, steps[0], "every step of both students reported");
            var e = assertThrows(IllegalArgumentException.class, () -> new SetFitDistillation(6, 3)
                    .chain(teacher, teacherEnc, List.of(), settings, texts, labels, pool, o, 0, (g, k, n, s, d) -> { }, SetFit.StepListener.NONE));
            assertTrue(e.getMessage().contains("at least one student"), e.getMessage());
        }
    }

    @Test
    void crossFittedGenerationsRelabelEachPoolTextWithAStudentThatNeverSawIt() {
        var sub = Subset.of(3, 4, 10);
        List<String> texts = sub.texts(), labels = sub.labels(), pool = sub.pool();
        var settings = EncoderSettings.defaults().withThreads(1);
        BertSource src = BertSource.builtinMiniLm();
        var seen = new ArrayList<String>();
        var learnt = new ArrayList<java.util.Set<Integer>>();
        var says = new ArrayList<List<String>>();
        int[] steps = {0};
        var d = new SetFitDistillation(10, 3, 2);
        assertEquals(9, d.totalSteps(2));
        try (var teacherEnc = BertSentenceEncoder.open(src, settings)) {
            var teacher = FewShotClassifier.fit(teacherEnc, "minilm", new PrototypeMethod(), texts, labels, List.of(), 0);
            var o = SetFit.Options.defaults().withBatchSize(6);
            d.chain(teacher, teacherEnc, List.of(src, src), settings, texts, labels, pool, o, 0, (g, fold, folds, student, r) -> {
                seen.add(g + ":" + fold + "/" + folds);
                if (g == 0) {
                    var rows = new java.util.HashSet<Integer>();
                    for (int row : r.pseudoRows()) rows.add(row);
                    learnt.add(rows);
                    says.add(r.student().classifier().predict(student.encode(pool)));
                    return;
                }
                // the two fold students learnt disjoint halves of the pool, all of it between them
                assertTrue(java.util.Collections.disjoint(learnt.get(0), learnt.get(1)), learnt.toString());
                assertEquals(pool.size(), learnt.get(0).size() + learnt.get(1).size());
                // each text's label for the last student comes from the fold student that did not learn it
                assertEquals(pool.size(), r.pseudoRows().length);
                for (int j = 0; j < r.pseudoRows().length; j++) {
                    int row = r.pseudoRows()[j];
                    int labeller = learnt.get(0).contains(row) ? 1 : 0;
                    assertEquals(says.get(labeller).get(row), r.pseudoLabels().get(j), "pool row " + row);
                }
            }, (step, stepTexts, stepLabels) -> steps[0]++);
        }
        assertEquals(List.of("0:0/2", "0:1/2", "1:0/1"), seen);
        assertEquals(9, steps[0]);
        try (var teacherEnc = BertSentenceEncoder.open(src, settings)) {
            var teacher = FewShotClassifier.fit(teacherEnc, "minilm", new PrototypeMethod(), texts, labels, List.of(), 0);
            var e = assertThrows(IllegalArgumentException.class, () -> d.chain(teacher, teacherEnc, List.of(src), settings, texts, labels, pool,
                    SetFit.Options.defaults(), 0, (g, k, n, s, r) -> { }, SetFit.StepListener.NONE));
            assertTrue(e.getMessage().contains("at least two students"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new SetFitDistillation(3, 4, 0));
    }

    @Test
    void softTargetsBringTheStudentsClassDistributionCloserToTheTeachers() {
        var sub = Subset.of(4, 5, 15);
        List<String> texts = sub.texts(), labels = sub.labels(), pool = sub.pool();
        var settings = EncoderSettings.defaults().withThreads(1);
        BertSource src = BertSource.builtinMiniLm();
        var o = SetFit.Options.defaults().withBatchSize(8);
        try (var teacherEnc = BertSentenceEncoder.open(src, settings); var hardEnc = BertSentenceEncoder.open(src, settings);
             var softEnc = BertSentenceEncoder.open(src, settings)) {
            var teacher = FewShotClassifier.fit(teacherEnc, "minilm", new PrototypeMethod(), texts, labels, List.of(), 0);
            var hard = new SetFitDistillation(3, 4).distil(teacher, teacherEnc, hardEnc, "minilm", texts, labels, pool, o, 0);
            var soft = new SetFitDistillation(3, 4, 1, 20).distil(teacher, teacherEnc, softEnc, "minilm", texts, labels, pool, o, 0);
            assertEquals(24, soft.student().steps());
            assertEquals(24, soft.student().losses().length);
            assertEquals(new SetFitDistillation(3, 4, 1, 20).totalSteps(1), 24);
            // the same labels kept and the same contrastive stage; only the soft-target steps differ
            org.junit.jupiter.api.Assertions.assertArrayEquals(hard.pseudoRows(), soft.pseudoRows());
            for (int k = 0; k < 4; k++) assertEquals(hard.student().losses()[k], soft.student().losses()[k], 1e-6, "step " + (k + 1));

            double[][] q = teacher.predictProba(teacherEnc.encode(pool));
            var index = LabelIndex.of(labels);
            var t = new ArrayList<>(texts);
            var l = new ArrayList<>(labels);
            for (int j = 0; j < hard.pseudoRows().length; j++) {
                t.add(pool.get(hard.pseudoRows()[j]));
                l.add(hard.pseudoLabels().get(j));
            }
            double before = crossEntropy(q, hardEnc, pool, t, index.indicesOf(l), index.size(), o.scale());
            double after = crossEntropy(q, softEnc, pool, t, index.indicesOf(l), index.size(), o.scale());
            assertTrue(after < before - 0.05, "teacher-student cross-entropy on the pool: " + before + " after the contrastive stage, " + after + " after soft targets");
            // the head was fitted again, on the soft-trained encoder
            assertEquals(softEnc.identity(), soft.student().classifier().encoder());
            // LoRA is refused before any training, not after the contrastive steps
            var lora = assertThrows(IllegalArgumentException.class, () -> new SetFitDistillation(3, 4, 1, 20)
                    .distil(teacher, teacherEnc, hardEnc, "minilm", texts, labels, pool, o.withLoraRank(8), 0));
            assertTrue(lora.getMessage().contains("LoRA"), lora.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new SetFitDistillation(3, 4, 1, -1));
    }

    @Test
    void propagatedLabelsAreTheTeachersProbabilitiesSpreadOverItsGraphOfPoolAndSupport() {
        var sub = Subset.of(8, 5, 30);
        List<String> texts = sub.texts(), labels = sub.labels(), pool = sub.pool();
        var settings = EncoderSettings.defaults().withThreads(1);
        BertSource src = BertSource.builtinMiniLm();
        var lp = new LabelPropagation(5, 0.9, 60);
        try (var teacherEnc = BertSentenceEncoder.open(src, settings); var student = BertSentenceEncoder.open(src, settings)) {
            var teacher = FewShotClassifier.fit(teacherEnc, "minilm", new PrototypeMethod(), texts, labels, List.of(), 0);
            var o = SetFit.Options.defaults().withBatchSize(8);
            var d = new SetFitDistillation(25, 2).withPropagation(lp).distil(teacher, teacherEnc, student, "minilm", texts, labels, pool, o, 0);

            // by hand: the teacher's probabilities of the pool, the support texts' own labels, spread over the teacher's embeddings of both
            var index = LabelIndex.of(labels);
            assertEquals(index.labels(), teacher.labels().labels());
            double[][] q = teacher.predictProba(teacherEnc.encode(pool));
            var nodes = new ArrayList<>(pool);
            nodes.addAll(texts);
            double[][] prior = new double[nodes.size()][];
            System.arraycopy(q, 0, prior, 0, q.length);
            int[] y = index.indicesOf(labels);
            for (int i = 0; i < y.length; i++) {
                prior[pool.size() + i] = new double[index.size()];
                prior[pool.size() + i][y[i]] = 1;
            }
            double[][] f = java.util.Arrays.copyOf(lp.spread(teacherEnc.encode(nodes), prior), pool.size());
            var expected = PseudoLabels.select(f, PseudoLabels.uniformQuota(index.size(), 25), 0);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected.rows(), d.pseudoRows());
            for (int j = 0; j < expected.size(); j++) assertEquals(index.label(expected.labels()[j]), d.pseudoLabels().get(j), "pool row " + expected.rows()[j]);

            // on these real texts the spread labels are right more often than the teacher's own
            int teacherRight = 0, spreadRight = 0;
            for (int i = 0; i < pool.size(); i++) {
                int truth = index.indexOf(sub.poolLabels().get(i));
                if (Softmax.argmax(q[i]) == truth) teacherRight++;
                if (Softmax.argmax(f[i]) == truth) spreadRight++;
            }
            assertTrue(spreadRight > teacherRight, "of " + pool.size() + " pool texts the teacher labels " + teacherRight + " right, the spread " + spreadRight);

            // a cross-fitted generation has no one encoder to build the graph with
            var e = assertThrows(IllegalArgumentException.class, () -> new SetFitDistillation(3, 2, 2).withPropagation(lp).chain(teacher, teacherEnc,
                    List.of(src, src), settings, texts, labels, pool, o, 0, (g, k, n, s, r) -> { }, SetFit.StepListener.NONE));
            assertTrue(e.getMessage().contains("cross-fitted"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new SetFitDistillation(3, 4, 1, 0, 1, null));
    }

    @Test
    void aTemperatureSoftensTheTeachersProbabilitiesAsDividingItsLogits() {
        // sqrt(0.8) = 2 sqrt(0.2): at T = 2, (0.8, 0.2) becomes (2/3, 1/3)
        double[] q = SetFitDistillation.tempered(new double[] {0.8, 0.2}, 2);
        assertEquals(2.0 / 3, q[0], 1e-12);
        assertEquals(1.0 / 3, q[1], 1e-12);
        // a softmax of scale 160 at T = 5 is the softmax of scale 32; a zero stays zero
        double[] cos = {0.9, 0.85, 0.2};
        double[] t = SetFitDistillation.tempered(Softmax.of(cos, 160), 5);
        double[] s32 = Softmax.of(cos, 32);
        for (int c = 0; c < 3; c++) assertEquals(s32[c], t[c], 1e-9, "class " + c);
        assertEquals(0.0, SetFitDistillation.tempered(new double[] {1, 0}, 3)[1]);
        assertTrue(SetFitDistillation.tempered(q, 1) == q, "T = 1 leaves the probabilities as they are");
        assertThrows(IllegalArgumentException.class, () -> new SetFitDistillation(3, 4, 1, 2, 0));
    }

    /** Mean cross-entropy of the teacher's distribution {@code q} of {@code pool} with the student's softmax of scaled cosines to its class vectors. */
    private static double crossEntropy(double[][] q, BertSentenceEncoder enc, List<String> pool, List<String> classTexts, int[] classLabels,
                                       int classes, float scale) {
        float[][] v = Prototypes.means(enc.encode(classTexts), classLabels, classes);
        var x = enc.encode(pool);
        double ce = 0;
        for (int i = 0; i < q.length; i++) {
            double[] p = Softmax.of(Prototypes.cosines(x, i, v), scale);
            for (int c = 0; c < classes; c++) ce -= q[i][c] * Math.log(Math.max(1e-300, p[c]));
        }
        return ce / q.length;
    }
}
