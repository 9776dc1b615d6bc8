package dev.polymath.text.fewshot;

import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.encoder.EncoderSettings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FewShotEvaluation} runs {@code setfit} next to a frozen method, on 5 BANKING77 classes (1 thread). */
class SetFitEvaluationTest {
    @Test
    void evaluatesSetFitBesideFrozenMethods() {
        Task full = DatasetCatalog.load("banking77").tasks().get(0);
        var labels = full.labels().subList(0, 5);
        Map<String, List<Example>> splits = new LinkedHashMap<>();
        splits.put(Task.TRAIN, take(full.split(Task.TRAIN), labels, 12));
        splits.put(Task.TEST, take(full.split(Task.TEST), labels, 20));
        Task t = new Task("banking77-5", full.kind(), labels, full.instruction(), full.category(), full.metrics(), splits);
        BertSource src = BertSource.builtinMiniLm();
        var settings = EncoderSettings.defaults().withThreads(1);
        try (var frozen = BertSentenceEncoder.open(src, settings)) {
            var eval = new FewShotEvaluation(t, Task.TEST, frozen, "minilm", s -> System.out.println("eval: " + s));
            assertThrows(IllegalStateException.class, () -> eval.run(List.of("setfit"), List.of(5), 1, 0));
            eval.withSetFit(src, settings, SetFit.Options.defaults().withMaxSteps(10));
            var rows = eval.run(List.of("prototype", "setfit"), List.of(5), 1, 0);
            assertEquals(2, rows.size());
            assertEquals("setfit", rows.get(1).method());
            double proto = rows.get(0).mean(), setfit = rows.get(1).mean();
            assertTrue(setfit > 60 && setfit > proto - 20, "setfit " + setfit + " vs prototype " + proto);

            // with the unsupervised stage: done once on the train texts, then every support set starts from it
            var log = new ArrayList<String>();
            var eval2 = new FewShotEvaluation(t, Task.TEST, frozen, "minilm", log::add)
                    .withSetFit(src, settings, SetFit.Options.defaults().withMaxSteps(3).withBatchSize(8).withPretrainSteps(2));
            var rows2 = eval2.run(List.of("setfit"), List.of(5), 2, 0);
            assertEquals(2, rows2.get(0).accuracies().size());
            assertEquals(1, log.stream().filter(l -> l.startsWith("setfit: unsupervised pre-training on 60 train texts")).count(), log.toString());
        }
    }

    @Test
    void anEnsembleAveragesFitsFromDerivedSeedsIntoItsOwnRows() {
        Task full = DatasetCatalog.load("banking77").tasks().get(0);
        var labels = full.labels().subList(0, 4);
        Map<String, List<Example>> splits = new LinkedHashMap<>();
        splits.put(Task.TRAIN, take(full.split(Task.TRAIN), labels, 5));
        var test = take(full.split(Task.TEST), labels, 20);
        splits.put(Task.TEST, test.subList(0, 40));
        splits.put(Task.VALIDATION, test.subList(40, test.size()));
        Task t = new Task("banking77-4", full.kind(), labels, full.instruction(), full.category(), full.metrics(), splits);
        BertSource src = BertSource.builtinMiniLm();
        var settings = EncoderSettings.defaults().withThreads(1);
        var log = new ArrayList<String>();
        try (var frozen = BertSentenceEncoder.open(src, settings)) {
            var rows = new FewShotEvaluation(t, Task.TEST, frozen, "minilm", log::add)
                    .withSetFit(src, settings, SetFit.Options.defaults().withBatchSize(4).withMaxSteps(2)).withSetFitSelectionSplit(Task.VALIDATION)
                    .withSetFitEnsemble(2).run(List.of("setfit"), List.of(5), 1, 0);
            assertEquals(List.of("setfit", "setfit (validation)", "setfit ensemble of 2", "setfit ensemble of 2 (validation)"),
                    rows.stream().map(FewShotEvaluation.Row::method).toList());
            double ens = rows.get(2).mean();
            assertTrue(ens >= 0 && ens <= 100, "accuracy " + ens);
            var member = log.stream().filter(l -> l.startsWith("setfit ensemble member 2 (minilm): fit ")).toList();
            assertEquals(1, member.size(), log.toString());
            assertTrue(member.get(0).endsWith(String.format(java.util.Locale.ROOT, "ensemble of 2: test %.2f", ens)), member.get(0));
        }
        assertThrows(IllegalArgumentException.class, () -> new FewShotEvaluation(null, Task.TEST, null, "minilm", s -> {}).withSetFitEnsemble(0));
    }

    @Test
    void ensembleMembersCanFineTuneAnotherEncoder() {
        Task full = DatasetCatalog.load("banking77").tasks().get(0);
        var labels = full.labels().subList(0, 4);
        Map<String, List<Example>> splits = new LinkedHashMap<>();
        splits.put(Task.TRAIN, take(full.split(Task.TRAIN), labels, 5));
        splits.put(Task.TEST, take(full.split(Task.TEST), labels, 10));
        Task t = new Task("banking77-4", full.kind(), labels, full.instruction(), full.category(), full.metrics(), splits);
        BertSource src = BertSource.builtinMiniLm();
        var settings = EncoderSettings.defaults().withThreads(1);
        var log = new ArrayList<String>();
        try (var frozen = BertSentenceEncoder.open(src, settings)) {
            var options = SetFit.Options.defaults().withBatchSize(4).withMaxSteps(2);
            var bge = List.of(BertSource.resolve("bge-small"));
            var wrongCount = new FewShotEvaluation(t, Task.TEST, frozen, "minilm", log::add).withSetFit(src, settings, options)
                    .withSetFitEnsemble(3).withSetFitMemberEncoders(bge);
            var e = assertThrows(IllegalArgumentException.class, () -> wrongCount.run(List.of("setfit"), List.of(5), 0, 0));
            assertTrue(e.getMessage().contains("1 member encoder(s) given for an ensemble of 3"), e.getMessage());
            var souped = new FewShotEvaluation(t, Task.TEST, frozen, "minilm", log::add).withSetFit(src, settings, options)
                    .withSetFitEnsemble(2).withSetFitMemberEncoders(bge).withSetFitSoup(true);
            assertThrows(IllegalArgumentException.class, () -> souped.run(List.of("setfit"), List.of(5), 0, 0));

            var rows = new FewShotEvaluation(t, Task.TEST, frozen, "minilm", log::add).withSetFit(src, settings, options)
                    .withSetFitEnsemble(2).withSetFitMemberEncoders(bge).run(List.of("setfit"), List.of(5), 1, 0);
            assertEquals(List.of("setfit", "setfit ensemble of 2"), rows.stream().map(FewShotEvaluation.Row::method).toList());
            var member = log.stream().filter(l -> l.startsWith("setfit ensemble member 2 (bge-small): fit ")).toList();
            // distillation of each fit into another encoder: its own row, the teacher's labels of the 4 x 5 pool texts
            var splits8 = new LinkedHashMap<>(splits);
            splits8.put(Task.TRAIN, take(full.split(Task.TRAIN), labels, 8));
            Task t8 = new Task("banking77-4", full.kind(), labels, full.instruction(), full.category(), full.metrics(), splits8);
            var distilled = new FewShotEvaluation(t8, Task.TEST, frozen, "minilm", log::add).withSetFit(src, settings, options)
                    .withSetFitDistillation(List.of(src, src), new SetFitDistillation(2, 2, 2, 1)).run(List.of("setfit"), List.of(5), 1, 0);
            // a chain of two, the first generation cross-fitted in two folds of the pool: a row per student; each fold
            // student learns the 6 texts outside its fold; every student takes 2 contrastive steps and 1 on soft targets
            assertEquals(List.of("setfit", "setfit distilled into minilm (fold 1 of 2)", "setfit distilled into minilm (fold 2 of 2)",
                    "setfit distilled into minilm then minilm"), distilled.stream().map(FewShotEvaluation.Row::method).toList());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("setfit distilled into minilm (fold 2 of 2): ") && l.contains(" teacher labels of 6 pool texts") && l.contains(", 3 steps,")), log.toString());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("setfit distilled into minilm then minilm: ") && l.contains(" of 12 pool texts") && l.contains(", 3 steps,")), log.toString());
            assertEquals(1, member.size(), log.toString());
            assertTrue(member.get(0).endsWith(String.format(java.util.Locale.ROOT, "ensemble of 2: test %.2f", rows.get(1).mean())), member.get(0));
        }
    }

    @Test
    void checkpointsAndASelectionSplitComeFromOneRunAndMatchAShorterRun() {
        Task full = DatasetCatalog.load("banking77").tasks().get(0);
        var labels = full.labels().subList(0, 4);
        Map<String, List<Example>> splits = new LinkedHashMap<>();
        splits.put(Task.TRAIN, take(full.split(Task.TRAIN), labels, 5));
        var test = take(full.split(Task.TEST), labels, 30);
        splits.put(Task.TEST, test.subList(0, 60));
        splits.put(Task.VALIDATION, test.subList(60, test.size()));
        Task t = new Task("banking77-4", full.kind(), labels, full.instruction(), full.category(), full.metrics(), splits);
        BertSource src = BertSource.builtinMiniLm();
        var settings = EncoderSettings.defaults().withThreads(1);
        var o = SetFit.Options.defaults().withBatchSize(4);
        try (var frozen = BertSentenceEncoder.open(src, settings)) {
            var rows = new FewShotEvaluation(t, Task.TEST, frozen, "minilm", s -> {})
                    .withSetFit(src, settings, o.withMaxSteps(4)).withSetFitCheckpoints(List.of(2, 9)).withSetFitSelectionSplit(Task.VALIDATION)
                    .run(List.of("setfit"), List.of(5), 1, 0);
            assertEquals(List.of("setfit", "setfit@2", "setfit@2 (validation)", "setfit (validation)"),
                    rows.stream().map(FewShotEvaluation.Row::method).toList(), "step 9 is past the end: no row");
            var shorter = new FewShotEvaluation(t, Task.TEST, frozen, "minilm", s -> {})
                    .withSetFit(src, settings, o.withMaxSteps(2)).withSetFitSelectionSplit(Task.VALIDATION)
                    .run(List.of("setfit"), List.of(5), 1, 0);
            assertEquals(shorter.get(0).mean(), rows.get(1).mean(), 1e-9, "test accuracy at step 2 = a 2-step run's");
            assertEquals(shorter.get(1).mean(), rows.get(2).mean(), 1e-9, "validation accuracy at step 2 = a 2-step run's");
            assertThrows(IllegalArgumentException.class, () -> new FewShotEvaluation(t, Task.TEST, frozen, "minilm", s -> {})
                    .withSetFitSelectionSplit(Task.TEST));
        }
    }

    private static List<Example> take(List<Example> split, List<String> labels, int perClass) {
        var out = new ArrayList<Example>();
        var counts = new LinkedHashMap<String, Integer>();
        for (Example e : split) {
            if (!labels.contains(e.label())) continue;
            if (counts.merge(e.label(), 1, Integer::sum) <= perClass) out.add(e);
        }
        return out;
    }
}
