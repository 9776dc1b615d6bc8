package dev.polymath.text.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.polymath.text.FloatMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class BatchingAndReferenceTest {

    /** 50 real BANKING77-style and general sentences of varied length (written for this test). */
    static final List<String> SENTENCES = List.of(
            "How do I locate my card?",
            "I still have not received my new card, I ordered over a week ago.",
            "Can I change my PIN at any cash machine?",
            "Why was I charged an extra fee for my transfer?",
            "My top-up failed, what should I do?",
            "The exchange rate on my last payment looks wrong.",
            "Is it possible to get a refund for an item I returned?",
            "I think someone else used my card without permission.",
            "What currencies can I hold in my account?",
            "How long does a bank transfer from the UK take?",
            "hello",
            "",
            "Please help!!!",
            "My salary hasn't shown up yet even though my employer says it was sent on Monday morning.",
            "Are there any fees for using an ATM abroad, and if so how much are they in euros?",
            "The weather is lovely today.",
            "It's so sunny outside!",
            "He drove to the stadium.",
            "A man is playing a guitar.",
            "A woman is slicing an onion with a large kitchen knife.",
            "Two dogs are running through a snowy field.",
            "The stock market fell sharply after the announcement.",
            "She has been learning Japanese for three years.",
            "Can you recommend a good book about the history of mathematics?",
            "Quantum computers use qubits instead of classical bits.",
            "I lost my wallet on the train this morning.",
            "Where can I find the nearest branch?",
            "Disposable virtual cards: how do they work?",
            "Why is my card payment still pending after three days?",
            "I would like to close my account and withdraw everything.",
            "Verify my identity",
            "The app keeps crashing when I try to log in.",
            "Can I add money with Apple Pay?",
            "What is the maximum amount I can transfer per day?",
            "I was charged twice for the same purchase at the supermarket.",
            "How do I activate my contactless payments?",
            "Ünïcödé text with accents: café, naïve, résumé.",
            "数字 and mixed scripts 123 456",
            "Numbers like 3.14159 and 2,718 and dates like 2024-01-31.",
            "Tabs\tand   multiple    spaces",
            "A very long sentence that goes on and on, listing apples, pears, plums, cherries, grapes, melons, lemons, limes, oranges, and many other fruits that one might find at a market on a sunny Saturday.",
            "The cat sat on the mat.",
            "The mat was sat on by the cat.",
            "Machine learning models can overfit small datasets.",
            "Few-shot learning adapts models from a handful of examples.",
            "Is my money safe with you?",
            "Card declined at the petrol station.",
            "transfer to wrong account help",
            "How do I get a physical card in addition to the virtual one?",
            "Thanks, that solved it.");

    @Test
    void batchedEqualsOneAtATimeAndOrderIsKept() {
        var enc = MiniLmTestSupport.encoder();
        FloatMatrix batched = enc.encode(SENTENCES);
        try (var small = OnnxSentenceEncoder.open(MiniLmTestSupport.source(), EncoderSettings.defaults().withThreads(2).withBatchSize(7))) {
            // Two workers share the batches; progress still rises to the total, one batch at a time.
            var seen = new ArrayList<Integer>();
            FloatMatrix sevens = small.encode(SENTENCES, (done, total) -> seen.add(done));
            assertEquals(8, seen.size(), "one progress call per batch of 7");
            for (int k = 1; k < seen.size(); k++) assertTrue(seen.get(k) > seen.get(k - 1), "progress " + seen);
            assertEquals(SENTENCES.size(), seen.get(seen.size() - 1));
            for (int i = 0; i < SENTENCES.size(); i++) {
                float[] single = enc.encode(SENTENCES.get(i));
                float[] b = batched.row(i), s7 = sevens.row(i);
                for (int d = 0; d < single.length; d++) {
                    assertEquals(single[d], b[d], 1e-5, "text " + i + " dim " + d + " batch 32 vs single");
                    assertEquals(single[d], s7[d], 1e-5, "text " + i + " dim " + d + " batch 7 vs single");
                }
            }
        }
    }

    @Test
    void tokenLimitCutsBatchesByPaddedTokens() {
        // "a" is one token: k words make k + 2 tokens with [CLS] and [SEP].
        var texts = new ArrayList<String>();
        for (int i = 0; i < 10; i++) texts.add("a ".repeat(3).strip());  // 5 tokens
        for (int i = 0; i < 10; i++) texts.add("a ".repeat(10).strip()); // 12 tokens
        var settings = EncoderSettings.defaults().withThreads(1).withBatchSize(32).withBatchTokens(40);
        try (var enc = OnnxSentenceEncoder.open(MiniLmTestSupport.source(), settings)) {
            var seen = new ArrayList<Integer>();
            enc.encode(texts, (done, total) -> seen.add(done));
            // Longest first, at most 40 / 12 = 3 texts while a 12-token text leads the batch (the fourth batch is one
            // 12-token and two 5-token texts, padded to 12), then 40 / 5 = 8 five-token texts.
            assertEquals(List.of(3, 6, 9, 12, 20), seen);
            assertEquals(5, enc.stats().batches());
            assertEquals(4 * 3 * 12 + 8 * 5, enc.stats().paddedTokens());
            assertEquals(10 * 5 + 10 * 12, enc.stats().tokens());
        }
    }

    @Test
    void tokenLimitDoesNotChangeVectors() {
        var texts = new ArrayList<String>();
        for (int r = 0; r < 4; r++) texts.addAll(SENTENCES);
        var base = EncoderSettings.defaults().withMaxLength(24); // the longest sentences are cut
        try (var one = OnnxSentenceEncoder.open(MiniLmTestSupport.source(), base.withThreads(1).withBatchSize(32).withBatchTokens(0));
             var two = OnnxSentenceEncoder.open(MiniLmTestSupport.source(), base.withThreads(2).withBatchSize(64).withBatchTokens(100))) {
            FloatMatrix a = one.encode(texts), b = two.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                float[] x = a.row(i), y = b.row(i);
                for (int d = 0; d < x.length; d++) assertEquals(x[d], y[d], 1e-6, "text " + i + " dim " + d);
            }
            assertEquals(one.stats().truncated(), two.stats().truncated());
            assertTrue(two.stats().truncated() >= 4, "the long sentence is truncated in every copy: " + two.stats());
            assertEquals(one.stats().longest(), two.stats().longest());
            assertEquals(one.stats().tokens(), two.stats().tokens());
            assertTrue(two.stats().paddedTokens() < one.stats().paddedTokens(), one.stats() + " vs " + two.stats());
        }
    }

    @Test
    void sameVectorsAsLangchain4jAllMiniLm() {
        List<String> texts = SENTENCES.stream().filter(t -> !t.isBlank()).toList(); // langchain4j rejects blank segments
        var ours = MiniLmTestSupport.encoder().encode(texts);
        var pool = Executors.newFixedThreadPool(2);
        try {
            var model = new AllMiniLmL6V2EmbeddingModel(pool);
            var segs = new ArrayList<TextSegment>();
            for (String s : texts) segs.add(TextSegment.from(s));
            var theirs = model.embedAll(segs).content();
            assertEquals(49, texts.size());
            for (int i = 0; i < texts.size(); i++) {
                double cos = FloatMatrix.cosine(ours.row(i), theirs.get(i).vector());
                assertTrue(cos >= 0.9999, "text " + i + " cosine " + cos);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void clsPoolingAndNoNormalizationDiffer() {
        try (var cls = OnnxSentenceEncoder.open(MiniLmTestSupport.source(),
                EncoderSettings.defaults().withThreads(2).withPooling(Pooling.CLS).withNormalize(false))) {
            float[] v = cls.encode("The weather is lovely today.");
            double norm = 0;
            for (float x : v) norm += x * x;
            assertTrue(Math.abs(Math.sqrt(norm) - 1) > 0.01, "not normalized");
            assertTrue(cls.identity().pooling() == Pooling.CLS && !cls.identity().normalize());
        }
    }
}
