package dev.polymath.icl.select;

import dev.polymath.core.task.Example;
import dev.polymath.core.util.Seeds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Trains the learned demonstration retriever UDR-style: for each training query, K candidates from the pool
 * (the K most cosine-similar, as UDR draws candidates from a first-stage retriever) are scored by model feedback
 * ({@link DemoFeedback}: how much each, alone in the prompt, helps the model on the query), and a
 * {@link Projection} W over frozen embeddings is fitted with {@link RankingLoss} (list-wise ranking + in-batch
 * negatives) by Adam, starting from the identity (= knn). Plain Java: W is one matrix and the gradient of
 * {@code (Wq)·(Wc)} is {@code (Wc)qᵀ + (Wq)cᵀ}, checked against finite differences in the tests.
 */
public final class RetrieverTrainer {
    private RetrieverTrainer() {}

    /** One training query: its embedding, its candidates' embeddings and their feedback (higher = helps more). */
    public record RankingList(float[] query, float[][] candidates, double[] feedback) {
        public RankingList {
            if (candidates.length != feedback.length) throw new IllegalArgumentException(candidates.length + " candidates but " + feedback.length + " feedback scores");
        }
    }

    /**
     * @param steps      optimizer steps
     * @param batch      queries per step (the in-batch negatives come from the other queries' candidates)
     * @param lr         Adam learning rate
     * @param rankFactor weight of the list-wise term (UDR's rank_loss_factor)
     */
    public record Options(int candidates, int steps, int batch, double lr, double rankFactor, long seed) {
        public Options {
            if (candidates < 2) throw new IllegalArgumentException("learned retriever needs >= 2 candidates per query, got " + candidates);
            if (steps < 0 || batch < 1) throw new IllegalArgumentException("steps must be >= 0 and batch >= 1");
            if (!(lr > 0) || !(rankFactor >= 0)) throw new IllegalArgumentException("lr must be > 0 and rank factor >= 0");
        }

        public static Options defaults() {
            return new Options(16, 300, 32, 1e-3, 1.0, 1234);
        }

        public Map<String, String> describe() {
            var m = new LinkedHashMap<String, String>();
            m.put("candidates", String.valueOf(candidates));
            m.put("steps", String.valueOf(steps));
            m.put("batch", String.valueOf(batch));
            m.put("lr", String.valueOf(lr));
            m.put("rank_factor", String.valueOf(rankFactor));
            m.put("seed", String.valueOf(seed));
            m.put("loss", "udr: rank_factor * lambda-mrr list-wise + in-batch cross-entropy");
            return m;
        }
    }

    /** Loss after each step (for logs and tests). */
    public record Trained(Projection projection, double[] losses) {}

    /**
     * Builds the training lists: for each query, its {@code candidates} most cosine-similar pool examples (excluding
     * the query itself), scored by {@code feedback}.
     */
    public static List<RankingList> lists(String task, List<Example> queries, List<Example> pool, Embedder embedder,
                                          Function<Example, String> text, DemoFeedback feedback, int candidates,
                                          IntConsumer progress) {
        Embedder e = CachingEmbedder.of(embedder);
        var knn = new Selectors.Knn(e, text);
        float[][] poolVec = e.embed(pool.stream().map(text).toList());
        var index = new java.util.IdentityHashMap<Example, Integer>();
        for (int i = 0; i < pool.size(); i++) index.put(pool.get(i), i);
        var out = new ArrayList<RankingList>();
        for (int qi = 0; qi < queries.size(); qi++) {
            Example q = queries.get(qi);
            List<Demo> cand = knn.select(task, q, pool, candidates, 0);
            if (cand.size() < 2) throw new IllegalArgumentException("task " + task + ": query " + q.id() + " has " + cand.size() + " candidates; the pool is too small");
            var ex = cand.stream().map(Demo::example).toList();
            double[] fb = feedback.score(task, q, ex);
            float[][] cv = new float[ex.size()][];
            for (int j = 0; j < cv.length; j++) cv[j] = poolVec[index.get(ex.get(j))];
            out.add(new RankingList(e.embed(text.apply(q)), cv, fb));
            if (progress != null) progress.accept(qi + 1);
        }
        return out;
    }

    /** Fits W from {@code start} (usually the identity) on the lists; lists with fewer candidates than the most are skipped. */
    public static Trained train(List<RankingList> lists, Projection start, Options o, IntConsumer progress) {
        if (lists.isEmpty()) throw new IllegalArgumentException("no training lists for the learned retriever");
        int k = lists.stream().mapToInt(l -> l.candidates().length).max().orElseThrow();
        var usable = lists.stream().filter(l -> l.candidates().length == k).toList();
        int rows = start.rows(), d = start.inputs();
        float[] w = start.weights().clone();
        double[] m = new double[w.length], v = new double[w.length];
        double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double[] losses = new double[o.steps()];
        SplittableRandom rng = Seeds.stream(o.seed(), "icl/learned-retriever/batches");
        int[] order = new int[usable.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Seeds.shuffle(order, rng);
        int cursor = 0;
        int bsz = Math.min(o.batch(), usable.size());
        for (int step = 0; step < o.steps(); step++) {
            var batch = new ArrayList<RankingList>(bsz);
            for (int i = 0; i < bsz; i++) {
                if (cursor == order.length) {
                    Seeds.shuffle(order, rng);
                    cursor = 0;
                }
                batch.add(usable.get(order[cursor++]));
            }
            double[] grad = new double[w.length];
            losses[step] = lossAndGrad(new Projection(rows, d, w, Map.of()), batch, o.rankFactor(), grad);
            int t = step + 1;
            double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < w.length; i++) {
                m[i] = b1 * m[i] + (1 - b1) * grad[i];
                v[i] = b2 * v[i] + (1 - b2) * grad[i] * grad[i];
                w[i] -= (float) (o.lr() * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps));
            }
            if (progress != null) progress.accept(t);
        }
        var meta = new LinkedHashMap<>(start.metadata());
        meta.putAll(o.describe());
        meta.put("training_lists", String.valueOf(usable.size()));
        return new Trained(new Projection(rows, d, w, meta), losses);
    }

    /** The UDR loss of a batch under W, adding dLoss/dW (row-major like W) into {@code grad}. */
    static double lossAndGrad(Projection p, List<RankingList> batch, double rankFactor, double[] grad) {
        int b = batch.size(), k = batch.get(0).candidates().length, rows = p.rows(), d = p.inputs();
        float[][] u = new float[b][];
        float[][] cv = new float[b * k][];
        float[][] cRaw = new float[b * k][];
        double[][] feedback = new double[b][];
        for (int q = 0; q < b; q++) {
            u[q] = p.apply(batch.get(q).query());
            feedback[q] = batch.get(q).feedback();
            for (int j = 0; j < k; j++) {
                cRaw[q * k + j] = batch.get(q).candidates()[j];
                cv[q * k + j] = p.apply(cRaw[q * k + j]);
            }
        }
        double[][] scores = new double[b][b * k];
        for (int q = 0; q < b; q++) for (int c = 0; c < b * k; c++) scores[q][c] = LearnedRetriever.dot(u[q], cv[c]);
        RankingLoss.Value val = RankingLoss.compute(scores, feedback, rankFactor);
        double[][] g = val.grad();
        // dL/du_q = Σ_c g[q][c] v_c ; dL/dv_c = Σ_q g[q][c] u_q ; dL/dW = Σ_q dU_q x_qᵀ + Σ_c dV_c c_cᵀ
        for (int q = 0; q < b; q++) {
            double[] du = new double[rows];
            for (int c = 0; c < b * k; c++) {
                double gq = g[q][c];
                if (gq == 0) continue;
                for (int r = 0; r < rows; r++) du[r] += gq * cv[c][r];
            }
            outer(grad, du, batch.get(q).query(), d);
        }
        for (int c = 0; c < b * k; c++) {
            double[] dv = new double[rows];
            for (int q = 0; q < b; q++) {
                double gq = g[q][c];
                if (gq == 0) continue;
                for (int r = 0; r < rows; r++) dv[r] += gq * u[q][r];
            }
            outer(grad, dv, cRaw[c], d);
        }
        return val.total();
    }

    private static void outer(double[] grad, double[] a, float[] x, int d) {
        for (int r = 0; r < a.length; r++) {
            double ar = a[r];
            if (ar == 0) continue;
            int o = r * d;
            for (int i = 0; i < d; i++) grad[o + i] += ar * x[i];
        }
    }
}
