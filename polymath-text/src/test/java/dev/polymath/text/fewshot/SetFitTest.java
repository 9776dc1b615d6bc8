package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;
import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.data.TextDatasets;
import dev.polymath.text.encoder.EncoderSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A LoRA SetFit run on 5 BANKING77 classes x 5 examples (the bundled DNNC 5-shot split) with the built-in MiniLM
 * on 1 PyTorch thread: the support set's mean intra-class cosine rises and its mean inter-class cosine falls; the
 * classifier predicts with the fine-tuned encoder and survives save/load.
 */
class SetFitTest {
    @TempDir
    Path tmp;

    @Test
    void isolatedNonFiniteStepsAreSurvivedAndThreeInARowMeanDivergence() {
        var o = SetFit.Options.defaults();
        float nan = Float.NaN;
        // the trainer skips each non-finite step; two in a row are tolerated
        SetFit.checkDiverged(List.of(1f, nan, 0.9f, nan, nan), 5, o);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> SetFit.checkDiverged(List.of(1f, 0.8f, nan, Float.POSITIVE_INFINITY, nan), 5, o));
        assertTrue(e.getMessage().contains("setfit diverged: loss NaN at steps 3-5") && e.getMessage().contains("--setfit-lr"), e.getMessage());
    }

    @Test
    void loraSetFitImprovesSupportSeparationAndRoundTrips() {
        var all = TextDatasets.banking77("train_5");
        var texts = new ArrayList<String>();
        var labels = new ArrayList<String>();
        for (int i = 0; i < all.size(); i++) {
            if (all.labels()[i] < 5) {
                texts.add(all.texts().get(i));
                labels.add(all.labelNames().get(all.labels()[i]));
            }
        }
        assertEquals(25, texts.size());
        BertSource src = BertSource.builtinMiniLm();
        var settings = EncoderSettings.defaults().withThreads(1);
        try (var enc = BertSentenceEncoder.open(src, settings)) {
            String before = enc.identity().modelChecksum();
            int[] y = LabelIndex.of(labels).indicesOf(labels);
            double[] sep0 = separation(enc.encode(texts), y);
            var r = SetFit.fit(enc, "minilm", texts, labels, SetFit.Options.cosineLora().withMaxSteps(30), 0);
            double[] sep1 = separation(enc.encode(texts), y);
            System.out.printf("setfit: %d pairs, %d steps, loss %.4f -> %.4f; intra %.4f -> %.4f, inter %.4f -> %.4f%n",
                    r.pairs(), r.steps(), r.meanFirst(7), r.meanLast(7), sep0[0], sep1[0], sep0[1], sep1[1]);
            assertEquals(30, r.steps());
            assertTrue(sep1[0] > sep0[0], "intra-class cosine should rise");
            assertTrue(sep1[1] < sep0[1], "inter-class cosine should fall");
            assertTrue(r.meanLast(7) < r.meanFirst(7), "loss (one pass over the pairs) should fall");
            assertNotEquals(before, enc.identity().modelChecksum(), "the encoder was fine-tuned");
            assertTrue(!enc.model().hasLora(), "adapters merged");

            var clf = r.classifier();
            assertEquals(enc.identity(), clf.encoder());
            List<String> queries = List.of("my card still has not arrived", "how do I activate my card", texts.get(3));
            double[][] p = clf.predictProba(enc, queries);
            var fitted = clf.predict(enc, texts);
            int right = 0;
            for (int i = 0; i < texts.size(); i++) if (fitted.get(i).equals(labels.get(i))) right++;
            assertTrue(right >= 23, "support set fitted: " + right + "/25");

            Path dir = tmp.resolve("clf");
            SetFit.save(clf, enc, src, dir);
            assertTrue(SetFit.isSetFit(dir));
            var loaded = SetFit.load(dir, settings);
            try (var enc2 = loaded.encoder()) {
                assertEquals(enc.identity(), enc2.identity());
                double[][] q = loaded.classifier().predictProba(enc2, queries);
                for (int i = 0; i < p.length; i++) assertArrayEquals(p[i], q[i], 1e-5);
            }
        }
    }

    @Test
    void inBatchNegativesAndTripletLossesAlsoSeparateTheSupportSet() {
        var all = TextDatasets.banking77("train_5");
        var texts = new ArrayList<String>();
        var labels = new ArrayList<String>();
        for (int i = 0; i < all.size(); i++) {
            if (all.labels()[i] < 6) {
                texts.add(all.texts().get(i));
                labels.add(all.labelNames().get(all.labels()[i]));
            }
        }
        BertSource src = BertSource.builtinMiniLm();
        int[] y = LabelIndex.of(labels).indicesOf(labels);
        for (var loss : List.of(SetFit.Loss.MNR, SetFit.Loss.TRIPLET)) {
            try (var enc = BertSentenceEncoder.open(src, EncoderSettings.defaults().withThreads(1))) {
                double[] sep0 = separation(enc.encode(texts), y);
                var r = SetFit.fit(enc, "minilm", texts, labels, SetFit.Options.defaults().withLoss(loss).withBatchSize(6).withMaxSteps(12), 0);
                double[] sep1 = separation(enc.encode(texts), y);
                System.out.printf("setfit %s: loss %.4f -> %.4f; intra %.4f -> %.4f, inter %.4f -> %.4f%n", loss, r.meanFirst(4), r.meanLast(4),
                        sep0[0], sep1[0], sep0[1], sep1[1]);
                assertEquals(12, r.steps());
                assertEquals(72, r.pairs(), "12 batches of one pair from each of the 6 classes");
                assertTrue(sep1[0] - sep1[1] > sep0[0] - sep0[1], loss + ": intra minus inter cosine should grow");
            }
        }
    }

    @Test
    void fullFineTuningTrainsEveryParameterAndTheFittedEncoderIsRequired() {
        var texts = List.of("where is my card", "my card has not arrived", "card still not here",
                "what is the exchange rate", "exchange rate for euros", "how much is a dollar in pounds");
        var labels = List.of("card", "card", "card", "rate", "rate", "rate");
        BertSource src = BertSource.builtinMiniLm();
        try (var enc = BertSentenceEncoder.open(src, EncoderSettings.defaults().withThreads(1));
             var frozen = BertSentenceEncoder.open(src, EncoderSettings.defaults().withThreads(1))) {
            var r = SetFit.fit(enc, "minilm", texts, labels,
                    SetFit.Options.cosineLora().withLoraRank(0).withLearningRate(2e-5).withMaxSteps(2).withBatchSize(4), 1);
            assertEquals(2, r.steps());
            assertEquals(12, r.pairs()); // 2 x C(3,2) = 6 positives available (9 negatives): 6 + 6
            assertNotEquals(frozen.identity(), enc.identity());
            var clf = r.classifier();
            assertEquals(List.of("card", "rate"), clf.predict(enc, List.of("my new card is missing", "euro to dollar rate")));
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> clf.predict(frozen, texts));
            assertTrue(e.getMessage().contains("fitted on encoder"), e.getMessage());
        }
    }

    @Test
    void freezingTheLowerLayersTrainsOnlyTheUpperOnesAndLeavesTheModelTrainable() {
        var texts = List.of("where is my card", "my card has not arrived", "card still not here",
                "what is the exchange rate", "exchange rate for euros", "how much is a dollar in pounds");
        var labels = List.of("card", "card", "card", "rate", "rate", "rate");
        try (var enc = BertSentenceEncoder.open(BertSource.builtinMiniLm(), EncoderSettings.defaults().withThreads(1))) {
            var bert = enc.model();
            var before = new java.util.HashMap<String, float[]>();
            for (String n : bert.parameterNames()) before.put(n, bert.parameterValues(n));
            var r = SetFit.fit(enc, "minilm", texts, labels, SetFit.Options.defaults().withFreezeBelow(4).withScale(10f)
                    .withMaxSteps(2).withBatchSize(2), 3);
            assertEquals(2, r.steps());
            int changed = 0;
            for (String n : bert.parameterNames()) {
                boolean lower = n.startsWith("embeddings.") || n.matches("encoder\\.layer\\.[0-3]\\..*");
                boolean same = java.util.Arrays.equals(before.get(n), bert.parameterValues(n));
                if (lower) assertTrue(same, n + " is below the frozen boundary and must not change");
                else if (!same) changed++;
                assertTrue(!bert.isFrozen(n), n + " is trainable again after the fit");
            }
            assertEquals(2 * 16, changed, "every parameter of layers 4 and 5 moves");
        }
        var bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SetFit.Options.mnrLora().withFreezeBelow(2));
        assertTrue(bad.getMessage().contains("LoRA"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SetFit.Options.defaults().withScale(0f));
    }

    @Test
    void epochsScaleTheStepsWithTheSupportSet() {
        var o = SetFit.Options.defaults().withEpochs(6.4);
        assertEquals(300, o.stepsFor(1500)); // CLINC150 10-shot: 150 x 10 anchors, batch 32
        assertEquals(154, o.stepsFor(770));  // BANKING77 10-shot
        assertEquals(150, o.stepsFor(750));  // CLINC150 5-shot
        assertEquals(100, o.withEpochs(6.4).withMaxSteps(100).stepsFor(1500), "explicit steps clear the epochs");
        assertEquals(9, SetFit.anchors(new int[] {0, 0, 1, 1, 1, 2, 3, 3, 3, 3}, 4), "a class of one anchors nothing");
    }

    @Test
    void warmupRisesLinearlyThenDecaysTowardsZero() {
        var o = SetFit.Options.defaults().withLearningRate(1e-4);
        assertEquals(1e-4, o.learningRateAt(1, 10), 0, "warmup 0: constant");
        assertEquals(1e-4, o.learningRateAt(10, 10), 0);
        var w = o.withWarmup(0.1); // 100 steps: 10 of warm-up, then 90 of decay
        assertEquals(1e-5, w.learningRateAt(1, 100), 1e-15);
        assertEquals(5e-5, w.learningRateAt(5, 100), 1e-15);
        assertEquals(1e-4, w.learningRateAt(10, 100), 1e-15);
        assertEquals(1e-4 * 90 / 91, w.learningRateAt(11, 100), 1e-15);
        assertEquals(1e-4 / 91, w.learningRateAt(100, 100), 1e-15);
        for (int k = 11; k < 100; k++) assertTrue(w.learningRateAt(k + 1, 100) < w.learningRateAt(k, 100));
        assertEquals(1e-4, o.withWarmup(0.01).learningRateAt(1, 10), 1e-15, "at least one warm-up step, which reaches the rate");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> o.withWarmup(1));
    }

    @Test
    void stepKOfALongerRunIsExactlyAKStepRun() {
        // what --setfit-checkpoints relies on: the batch order is a prefix of a longer run's, the learning rate is constant
        var texts = List.of("where is my card", "my card has not arrived", "card still not here",
                "what is the exchange rate", "exchange rate for euros", "how much is a dollar in pounds",
                "i want to close my account", "please delete my account", "cancel the account");
        var labels = List.of("card", "card", "card", "rate", "rate", "rate", "close", "close", "close");
        var o = SetFit.Options.defaults().withBatchSize(2);
        BertSource src = BertSource.builtinMiniLm();
        String[] atTwo = new String[1];
        try (var enc = BertSentenceEncoder.open(src, EncoderSettings.defaults().withThreads(1))) {
            SetFit.fit(enc, "minilm", texts, labels, List.of(), o.withMaxSteps(4), 3, (step, t, l) -> {
                if (step == 2) atTwo[0] = enc.identity().modelChecksum();
            });
        }
        try (var enc = BertSentenceEncoder.open(src, EncoderSettings.defaults().withThreads(1))) {
            SetFit.fit(enc, "minilm", texts, labels, o.withMaxSteps(2), 3);
            assertEquals(enc.identity().modelChecksum(), atTwo[0]);
        }
    }

    @Test
    void selfTrainingPseudoLabelsThePoolWithTheFineTunedEncoderClassBalancedAndFromTheSeed() {
        var texts = List.of("where is my card", "my card has not arrived", "card still not here",
                "what is the exchange rate", "exchange rate for euros", "how much is a dollar in pounds",
                "i want to close my account", "please delete my account", "cancel the account");
        var labels = List.of("card", "card", "card", "rate", "rate", "rate", "close", "close", "close");
        // two clear texts per class, one support text up to case and blanks (never pseudo-labelled) and a blank line (skipped)
        var pool = List.of("my new card never came", "the card I ordered is missing", "euro to dollar conversion rate",
                "what rate do you give for yen", "close my account please", "I would like to shut down my account",
                "Where is my card ", " ");
        var o = SetFit.Options.defaults().withBatchSize(2).withMaxSteps(3).withSelfTraining(new SetFit.SelfTraining(1, 0.0, 2, PseudoLabels.Pick.TOP, true));
        BertSource src = BertSource.builtinMiniLm();
        String[] checksum = new String[2];
        int[][] rows = new int[2][];
        for (int run = 0; run < 2; run++) {
            var seen = new ArrayList<String>();
            try (var enc = BertSentenceEncoder.open(src, EncoderSettings.defaults().withThreads(1))) {
                var r = SetFit.fit(enc, "minilm", texts, labels, pool, o, 5, (step, t, l) -> seen.add(step + ":" + t.size()));
                assertEquals(List.of("1:9", "2:9", "3:9", "3:12", "4:12", "5:12"), seen, "round 1, pseudo-labelling, round 2");
                assertEquals(5, r.steps());
                assertEquals(5, r.losses().length);
                // one per class (quota 1), classes in label-index (sorted) order, each from the right class's pool texts
                assertEquals(List.of("card", "close", "rate"), r.pseudoLabels());
                assertTrue(r.pseudoRows()[0] <= 1 && r.pseudoRows()[1] >= 4 && r.pseudoRows()[1] <= 5 && r.pseudoRows()[2] >= 2
                        && r.pseudoRows()[2] <= 3, java.util.Arrays.toString(r.pseudoRows()));
                assertEquals(List.of("card", "rate", "close"), r.classifier().predict(enc, List.of("my card is lost", "dollar rate", "close it")));
                checksum[run] = enc.identity().modelChecksum();
                rows[run] = r.pseudoRows();
            }
        }
        assertEquals(checksum[0], checksum[1], "same seed, same fine-tuned weights");
        assertArrayEquals(rows[0], rows[1]);
        try (var enc = BertSentenceEncoder.open(src, EncoderSettings.defaults().withThreads(1))) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> SetFit.fit(enc, "minilm", texts, labels, List.of(), o, 5));
            assertTrue(e.getMessage().contains("--pool"), e.getMessage());
        }
    }

    /** Mean cosine over distinct same-class pairs and over different-class pairs. */
    static double[] separation(FloatMatrix e, int[] y) {
        double intra = 0, inter = 0;
        int ni = 0, nx = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = i + 1; j < y.length; j++) {
                double c = e.cosine(i, e, j);
                if (y[i] == y[j]) { intra += c; ni++; } else { inter += c; nx++; }
            }
        }
        return new double[] {intra / ni, inter / nx};
    }
}
