package dev.polymath.text.fewshot;

import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.encoder.EncoderSettings;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Label names as extra SetFit examples ({@link SetFit.LabelNames}) and the symmetric MNR option. */
class SetFitLabelNamesTest {
    private static final List<String> TEXTS = List.of("where is my card", "my card has not arrived", "card still not here",
            "what is the exchange rate", "exchange rate for euros", "i want to close my account", "please delete my account");
    private static final List<String> LABELS = List.of("card_arrival", "card_arrival", "card_arrival", "exchange_rate", "exchange_rate",
            "terminate-account", "terminate-account");

    @Test
    void namesJoinTheTrainingSetOncePerClassInLabelIndexOrder() {
        var t = SetFit.withLabelNames(TEXTS, LABELS);
        assertEquals(TEXTS.size() + 3, t.get(0).size());
        assertEquals(TEXTS, t.get(0).subList(0, TEXTS.size()));
        assertEquals(List.of("card arrival", "exchange rate", "terminate account"), t.get(0).subList(TEXTS.size(), TEXTS.size() + 3));
        assertEquals(List.of("card_arrival", "exchange_rate", "terminate-account"), t.get(1).subList(TEXTS.size(), TEXTS.size() + 3));
        // label order of the input never changes which name goes with which class
        var shuffled = SetFit.withLabelNames(TEXTS.reversed(), LABELS.reversed());
        for (int i = TEXTS.size(); i < TEXTS.size() + 3; i++) {
            assertEquals(shuffled.get(1).get(i).replace('_', ' ').replace('-', ' '), shuffled.get(0).get(i));
        }

        var off = SetFit.Options.defaults();
        assertEquals(List.of(TEXTS, LABELS), SetFit.trainingSet(TEXTS, LABELS, off));
        assertEquals(t, SetFit.trainingSet(TEXTS, LABELS, off.withLabelNames(SetFit.LabelNames.TRAIN)));
        assertEquals(List.of(TEXTS, LABELS), SetFit.headSet(TEXTS, LABELS, SetFit.LabelNames.TRAIN), "TRAIN keeps the head on the support set");
        assertEquals(t, SetFit.headSet(TEXTS, LABELS, SetFit.LabelNames.TRAIN_AND_HEAD));

        assertEquals(SetFit.LabelNames.TRAIN_AND_HEAD, SetFit.LabelNames.parse("train-and-head"));
        assertEquals(SetFit.Loss.MNR_SYMMETRIC, SetFit.Loss.parse("mnr-symmetric"));
        assertEquals(SetFit.Loss.MNR, SetFit.Loss.parse("MNR"));
        var e = assertThrows(IllegalArgumentException.class, () -> SetFit.LabelNames.parse("names"));
        assertTrue(e.getMessage().contains("train-and-head"), e.getMessage());
    }

    @Test
    void everyNameAnchorsOncePerRoundOfInBatchNegativeBatches() {
        // 5 classes x 4 examples, plus the 5 names: a round is 25 pairs, each name an anchor once and a positive once
        String[] names = {"a", "b", "c", "d", "e"};
        var texts = new java.util.ArrayList<String>();
        var labels = new java.util.ArrayList<String>();
        for (int i = 0; i < 20; i++) {
            texts.add("text " + i);
            labels.add(names[i % 5]);
        }
        var t = SetFit.withLabelNames(texts, labels);
        int[] y = LabelIndex.of(labels).indicesOf(t.get(1));
        assertEquals(25, SetFit.anchors(y, 5));
        int batch = 5, steps = 40; // a batch of all 5 classes: a round is exactly 5 batches
        var b = AnchorPositiveSampler.batches(y, batch, steps, 11);
        int pairs = 0;
        var anchors = new HashSet<Integer>();
        int[] asPositive = new int[25];
        for (int[][] x : b) {
            var classes = new HashSet<Integer>();
            for (int[] p : x) {
                assertTrue(classes.add(y[p[0]]), "a class twice in one batch");
                assertEquals(y[p[0]], y[p[1]]);
                if (pairs < 25) {
                    anchors.add(p[0]);
                    asPositive[p[1]]++;
                }
                pairs++;
            }
        }
        assertEquals(25, anchors.size(), "the first round anchors every support example and every name once");
        for (int i = 20; i < 25; i++) assertEquals(1, asPositive[i], "name " + i + " is one class-mate's positive in the round");
        assertEquals(steps, b.size());
    }

    @Test
    void fitWithNamesAndSymmetricLossIsDeterministicFromTheSeedAndTheHeadUsesTheNames() {
        BertSource src = BertSource.builtinMiniLm();
        var o = SetFit.Options.defaults().withLoss(SetFit.Loss.MNR_SYMMETRIC).withBatchSize(3).withMaxSteps(2);
        var queries = List.of("hello there", "good morning", "card"); // far from every class: probabilities not saturated
        String[] checksum = new String[2];
        double[][][] proba = new double[3][][];
        for (int run = 0; run < 2; run++) {
            try (var enc = BertSentenceEncoder.open(src, EncoderSettings.defaults().withThreads(1))) {
                var r = SetFit.fit(enc, "minilm", TEXTS, LABELS, o.withLabelNames(SetFit.LabelNames.TRAIN_AND_HEAD), 5);
                assertEquals(2, r.steps());
                assertEquals(6, r.pairs(), "2 batches of 3 distinct classes");
                assertTrue(Float.isFinite(r.losses()[0]) && Float.isFinite(r.losses()[1]));
                checksum[run] = enc.identity().modelChecksum();
                proba[run] = r.classifier().predictProba(enc, queries);
                if (run == 0) {
                    // the same fine-tuned encoder, head on the support set alone: other prototypes, other probabilities
                    var plain = FewShotClassifier.fit(enc, "minilm", FewShotMethods.get("prototype"), TEXTS, LABELS, List.of(), 5);
                    proba[2] = plain.predictProba(enc, queries);
                }
            }
        }
        assertEquals(checksum[0], checksum[1], "same seed, same fine-tuned weights");
        for (int i = 0; i < queries.size(); i++) org.junit.jupiter.api.Assertions.assertArrayEquals(proba[0][i], proba[1][i], 1e-6);
        double diff = 0;
        for (int i = 0; i < queries.size(); i++) for (int c = 0; c < 3; c++) diff = Math.max(diff, Math.abs(proba[0][i][c] - proba[2][i][c]));
        assertTrue(diff > 1e-6, "the names move the prototypes: " + diff);
    }
}
