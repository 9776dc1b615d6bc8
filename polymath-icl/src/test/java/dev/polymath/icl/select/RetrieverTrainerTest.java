package dev.polymath.icl.select;

import dev.polymath.core.task.Example;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetrieverTrainerTest {

    @Test
    void projectionGradientMatchesFiniteDifferences() {
        var rng = new SplittableRandom(7);
        int d = 4, r = 3, k = 3;
        float[] w = new float[r * d];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        var batch = new ArrayList<RetrieverTrainer.RankingList>();
        for (int q = 0; q < 2; q++) {
            float[][] c = new float[k][];
            double[] fb = new double[k];
            for (int j = 0; j < k; j++) {
                c[j] = gauss(rng, d);
                fb[j] = rng.nextDouble();
            }
            batch.add(new RetrieverTrainer.RankingList(gauss(rng, d), c, fb));
        }
        double[] grad = new double[w.length];
        RetrieverTrainer.lossAndGrad(new Projection(r, d, w, Map.of()), batch, 1.0, grad);
        float h = 1e-3f;
        for (int i = 0; i < w.length; i++) {
            float[] up = w.clone(), dn = w.clone();
            up[i] += h;
            dn[i] -= h;
            double lu = RetrieverTrainer.lossAndGrad(new Projection(r, d, up, Map.of()), batch, 1.0, new double[w.length]);
            double ld = RetrieverTrainer.lossAndGrad(new Projection(r, d, dn, Map.of()), batch, 1.0, new double[w.length]);
            assertEquals((lu - ld) / (2 * h), grad[i], 2e-3, "dL/dW[" + i + "]");
        }
    }

    /**
     * Toy set where the useful demonstrations are known: two classes differ only in dimensions 0-1 (small), while
     * dimensions 2-13 are loud noise, so plain cosine (knn) often ranks the wrong class first. Feedback says exactly
     * which candidates help (same class). Training must move them up on held-out queries.
     */
    @Test
    void trainingOnFeedbackMovesTheUsefulDemonstrationsUp() {
        var rng = new SplittableRandom(11);
        List<Example> pool = new ArrayList<>(), held = new ArrayList<>();
        var texts = new ArrayList<String>();
        var vecs = new ArrayList<float[]>();
        for (int i = 0; i < 360; i++) {
            String label = i % 2 == 0 ? "a" : "b";
            float[] v = gauss(rng, 14);
            v[0] = label.equals("a") ? 1 : 0;
            v[1] = label.equals("a") ? 0 : 1;
            String t = "x" + i;
            texts.add(t);
            vecs.add(v);
            (i < 300 ? pool : held).add(Example.classification("e" + i, t, label));
        }
        var emb = new LookupEmbedder("toy", texts, vecs.toArray(float[][]::new));
        DemoFeedback sameClass = new DemoFeedback() {
            public String describe() { return "same class"; }
            public double[] score(String task, Example q, List<Example> c) {
                return c.stream().mapToDouble(x -> x.label().equals(q.label()) ? 1 : 0).toArray();
            }
        };
        var lists = RetrieverTrainer.lists("toy", pool.subList(0, 200), pool, emb, Selectors::defaultText, sameClass, 8, null);
        var o = new RetrieverTrainer.Options(8, 150, 16, 0.02, 1.0, 3);
        var trained = RetrieverTrainer.train(lists, Projection.identity(14, Map.of("embedder", "toy")), o, null);
        assertTrue(trained.losses()[149] < trained.losses()[0], "loss falls: " + trained.losses()[0] + " -> " + trained.losses()[149]);

        double before = precisionAt1(Selectors.create("knn", Selectors.Config.defaults().withEmbedder(emb)), held, pool);
        double after = precisionAt1(new LearnedRetriever(trained.projection(), emb, null), held, pool);
        double identity = precisionAt1(new LearnedRetriever(Projection.identity(14, Map.of()), emb, null), held, pool);
        assertEquals(before, identity, 1e-12, "the identity projection ranks exactly like knn");
        assertTrue(before < 0.8, "knn is fooled by the noise: " + before);
        assertTrue(after > 0.95 && after > before + 0.15, "learned retriever finds the useful class: " + before + " -> " + after);
    }

    private static double precisionAt1(DemoSelector s, List<Example> queries, List<Example> pool) {
        int hit = 0;
        for (Example q : queries) if (s.select("toy", q, pool, 1, 0).get(0).example().label().equals(q.label())) hit++;
        return hit / (double) queries.size();
    }

    @Test
    void saveLoadRoundTripAndTheRegisteredSelector(@TempDir Path dir) {
        var p = new Projection(2, 3, new float[]{1, 2, 3, -1, 0.5f, 0}, Map.of("embedder", "toy", "steps", "5"));
        Path f = dir.resolve("sub/retriever.safetensors");
        p.save(f);
        var back = Projection.load(f);
        assertEquals(2, back.rows());
        assertEquals(3, back.inputs());
        assertArrayEquals(p.weights(), back.weights());
        assertEquals("toy", back.metadata().get("embedder"));
        assertEquals("5", back.metadata().get("steps"));

        var emb = new LookupEmbedder("toy", List.of("q", "near", "far"), new float[][]{{1, 0, 0}, {0.9f, 0.1f, 0}, {0, 0, 1}});
        var s = Selectors.create("learned", Selectors.Config.defaults().withEmbedder(emb).withRetriever(Projection.identity(3, Map.of())));
        var pool = List.of(Example.classification("1", "far", "x"), Example.classification("2", "near", "y"));
        var d = s.select("t", Example.classification("0", "q", "y"), pool, 2, 0);
        assertEquals("near", d.get(0).example().text());
        assertEquals(LearnedRetriever.dot(emb.embed("q"), emb.embed("near")), d.get(0).score(), 1e-9);

        var wrongDim = assertThrows(IllegalArgumentException.class,
                () -> Selectors.create("learned", Selectors.Config.defaults().withEmbedder(emb).withRetriever(new Projection(1, 4, new float[4], Map.of()))));
        assertTrue(wrongDim.getMessage().contains("expects 4-dimensional embeddings") && wrongDim.getMessage().contains("3-dimensional"), wrongDim.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> Selectors.create("learned", Selectors.Config.defaults().withEmbedder(emb)));
        assertTrue(missing.getMessage().contains("needs a trained retriever"), missing.getMessage());
        var notFile = assertThrows(IllegalArgumentException.class, () -> Projection.load(dir.resolve("none.safetensors")));
        assertTrue(notFile.getMessage().contains("does not exist"));
    }

    private static float[] gauss(SplittableRandom rng, int d) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) v[i] = (float) rng.nextGaussian();
        return v;
    }
}
