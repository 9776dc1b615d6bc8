package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;
import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.data.TextDatasets;
import dev.polymath.text.encoder.EncoderSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MetaTuningTest {
    @TempDir
    Path tmp;

    @Test
    void camelCaseAndSnakeCaseLabelsBecomeWords() {
        assertEquals("Add To Playlist", Support.describeLabel("AddToPlaylist"));
        assertEquals("card arrival", Support.describeLabel("card_arrival"));
        assertEquals("what song", Support.describeLabel("what_song"));
        assertEquals("top up by card charge", Support.describeLabel("top_up_by_card_charge"));
        assertEquals("ATM support", Support.describeLabel("ATM_support"));
    }

    @Test
    void classesMergeEqualWordsAcrossSourcesLeaveOutTheTargetsAndSkipBlankTexts() {
        var a = new MetaTuning.Source("a", List.of("x1", "x2", " ", "x3"), List.of("card_arrival", "balance", "balance", "PlayMusic"));
        var b = new MetaTuning.Source("b", List.of("y1", "y2", "y3"), List.of("Balance", "play_music", "weather"));
        int[] excluded = new int[1];
        var cs = MetaTuning.classes(List.of(a, b), List.of("WEATHER", "card_arrival", "not_in_sources"), excluded);
        // card arrival and weather left out (2 classes); "balance"/"Balance" and "PlayMusic"/"play_music" merged
        assertEquals(2, excluded[0]);
        assertEquals(List.of("balance", "Play Music"), cs.stream().map(MetaTuning.LabelClass::words).toList());
        assertEquals(List.of("x2", "y1"), cs.get(0).texts());
        assertEquals(List.of("x3", "y2"), cs.get(1).texts());
    }

    @Test
    void batchesHoldDistinctClassesAndWalkEachClassBeforeRepeating() {
        int[] sizes = {3, 2, 4};
        var b = MetaTuning.batches(sizes, 3, 12, 7);
        assertEquals(12, b.length);
        int[][] uses = new int[3][4];
        for (int s = 0; s < b.length; s++) {
            assertEquals(3, b[s].length);
            var seen = new HashSet<Integer>();
            for (int[] e : b[s]) {
                assertTrue(seen.add(e[0]), "class twice in one batch");
                assertTrue(e[1] >= 0 && e[1] < sizes[e[0]]);
                uses[e[0]][e[1]]++;
            }
        }
        // every class is in every step (batch = classes), 12 draws each: 3 x 4 rows, 2 x 6, 4 x 3 — each row exactly evenly
        for (int r = 0; r < 3; r++) assertEquals(4, uses[0][r]);
        for (int r = 0; r < 2; r++) assertEquals(6, uses[1][r]);
        for (int r = 0; r < 4; r++) assertEquals(3, uses[2][r]);
        assertTrue(Arrays.deepEquals(b, MetaTuning.batches(sizes, 3, 12, 7)), "deterministic from the seed");
        assertFalse(Arrays.deepEquals(b, MetaTuning.batches(sizes, 3, 12, 8)), "another seed, another order");
        var small = MetaTuning.batches(new int[]{5, 5, 5, 5, 5}, 2, 50, 1);
        int[] perClass = new int[5];
        for (int[][] s : small) {
            assertEquals(2, s.length);
            assertNotEquals(s[0][0], s[1][0]);
            for (int[] e : s) perClass[e[0]]++;
        }
        for (int c : perClass) assertTrue(c > 10 && c < 30, "classes drawn roughly uniformly: " + Arrays.toString(perClass));
    }

    @Test
    void optionsRejectBadValues() {
        assertThrows(IllegalArgumentException.class, () -> new MetaTuning.Options(0, 64, 2e-5, 20));
        assertThrows(IllegalArgumentException.class, () -> new MetaTuning.Options(10, 1, 2e-5, 20));
        assertThrows(IllegalArgumentException.class, () -> new MetaTuning.Options(10, 64, Double.NaN, 20));
        assertThrows(IllegalArgumentException.class, () -> new MetaTuning.Options(10, 64, 2e-5, 0));
        var e = assertThrows(IllegalArgumentException.class, () -> new MetaTuning.Source("s", List.of("a"), List.of()));
        assertTrue(e.getMessage().contains("s: 1 texts but 0 labels"), e.getMessage());
    }

    @Test
    void tooFewClassesFailBeforeAnyTraining() {
        var one = new MetaTuning.Source("one", List.of("a", "b"), List.of("x", "x"));
        var o = MetaTuning.Options.defaults();
        // the checks come before the encoder is touched
        var e = assertThrows(IllegalArgumentException.class, () -> MetaTuning.tune(null, List.of(one), List.of(), o, 0, s -> {}));
        assertTrue(e.getMessage().contains("needs >= 2 classes") && e.getMessage().contains("[one] have 1"), e.getMessage());
        var two = new MetaTuning.Source("two", List.of("a", "b"), List.of("x", "y"));
        var left = assertThrows(IllegalArgumentException.class, () -> MetaTuning.tune(null, List.of(two), List.of("y"), o, 0, s -> {}));
        assertTrue(left.getMessage().contains("after leaving out 1 named like the target's"), left.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MetaTuning.tune(null, List.of(), List.of(), o, 0, s -> {}));
    }

    @Test
    void datasetReferencesAndTheTargetGuard() throws Exception {
        assertTrue(MetaTuning.sameDataset("clinc150:train", "clinc150/intent"));
        assertTrue(MetaTuning.sameDataset("BANKING77:train", "banking77/intent"));
        assertFalse(MetaTuning.sameDataset("snips:train", "banking77"));
        assertEquals(List.of(), MetaTuning.tunedOn("minilm"));
        Path dir = Files.createDirectories(tmp.resolve("enc"));
        Files.writeString(dir.resolve(MetaTuning.PROVENANCE_FILE), "{\"sources\": [\"clinc150:train\", \"snips:train\"]}");
        assertEquals(List.of("clinc150:train", "snips:train"), MetaTuning.tunedOn(dir.toString()));
        MetaTuning.checkNotTunedOn(dir.toString(), "banking77/intent");
        var e = assertThrows(IllegalArgumentException.class, () -> MetaTuning.checkNotTunedOn(dir.toString(), "clinc150/intent"));
        assertTrue(e.getMessage().contains("meta-tuned on clinc150:train") && e.getMessage().contains(MetaTuning.PROVENANCE_FILE), e.getMessage());
        var clinc = dev.polymath.core.data.DatasetCatalog.load("clinc150").task("clinc150/intent");
        var refused = assertThrows(IllegalArgumentException.class, () -> new FewShotEvaluation(clinc, "test", new FakeEncoder(), dir.toString(), s -> {}));
        assertTrue(refused.getMessage().contains("meta-tuned on clinc150:train"), refused.getMessage());
        Files.writeString(dir.resolve(MetaTuning.PROVENANCE_FILE), "{\"steps\": 3}");
        var bad = assertThrows(IllegalArgumentException.class, () -> MetaTuning.tunedOn(dir.toString()));
        assertTrue(bad.getMessage().contains(MetaTuning.PROVENANCE_FILE) && bad.getMessage().contains("'sources'"), bad.getMessage());
    }

    /** Real data (BANKING77's bundled 5-shot split, 20 intents): utterances move towards their own label's words. */
    @Test
    void tuningPullsUtterancesToTheirLabelWordsAndSavesWithProvenance() {
        var all = TextDatasets.banking77("train_5");
        var texts = new ArrayList<String>();
        var labels = new ArrayList<String>();
        for (int i = 0; i < all.size(); i++) {
            if (all.labels()[i] < 20) {
                texts.add(all.texts().get(i));
                labels.add(all.labelNames().get(all.labels()[i]));
            }
        }
        var names = LabelIndex.of(labels).labels();
        var words = names.stream().map(Support::describeLabel).toList();
        int[] y = LabelIndex.of(labels).indicesOf(labels);
        var src = BertSource.builtinMiniLm();
        try (var enc = BertSentenceEncoder.open(src, EncoderSettings.defaults().withThreads(1))) {
            double[] before = margins(enc.encode(texts), enc.encode(words), y);
            var o = new MetaTuning.Options(20, 16, 5e-5, 20);
            var r = MetaTuning.tune(enc, List.of(new MetaTuning.Source("banking77:train_5", texts, labels)), List.of(), o, 0, s -> {});
            double[] after = margins(enc.encode(texts), enc.encode(words), y);
            System.out.printf("meta-tuning: loss %.4f -> %.4f; own-words cosine %.4f -> %.4f, zero-shot right %.0f -> %.0f of %d%n",
                    r.meanFirst(5), r.meanLast(5), before[0], after[0], before[1], after[1], texts.size());
            assertEquals(20, r.classes());
            assertEquals(100, r.utterances());
            assertEquals(0, r.skipped());
            assertTrue(r.meanLast(5) < r.meanFirst(5), "loss falls");
            assertTrue(after[0] > before[0] + 0.05, "utterances move towards their label words");
            assertTrue(after[1] > before[1], "more utterances are nearest their own label words");

            Path dir = tmp.resolve("tuned");
            MetaTuning.save(enc, src, dir, MetaTuning.provenance(List.of(new MetaTuning.Source("banking77:train_5", texts, labels)), null, o, 0, r));
            assertEquals(List.of("banking77:train_5"), MetaTuning.tunedOn(dir.toString()));
            assertThrows(IllegalArgumentException.class, () -> MetaTuning.checkNotTunedOn(dir.toString(), "banking77/intent"));
            try (var reloaded = BertSentenceEncoder.open(BertSource.fromFolder(dir), EncoderSettings.defaults().withThreads(1))) {
                assertEquals(enc.identity().modelChecksum(), reloaded.identity().modelChecksum(), "the saved weights are the tuned ones");
            }
        }
    }

    /** {mean cosine of each text to its own label's words, texts whose nearest label words are their own}. */
    private static double[] margins(FloatMatrix emb, FloatMatrix words, int[] y) {
        double own = 0;
        int right = 0;
        for (int i = 0; i < y.length; i++) {
            int best = -1;
            double bestSim = -2;
            for (int c = 0; c < words.rows(); c++) {
                double s = 0;
                for (int j = 0; j < emb.cols(); j++) s += emb.get(i, j) * words.get(c, j);
                if (c == y[i]) own += s;
                if (s > bestSim) {
                    bestSim = s;
                    best = c;
                }
            }
            if (best == y[i]) right++;
        }
        return new double[]{own / y.length, right};
    }
}
