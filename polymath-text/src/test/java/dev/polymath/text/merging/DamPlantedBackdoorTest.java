package dev.polymath.text.merging;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.polymath.text.bert.BertConfig;
import dev.polymath.text.bert.BertModel;
import dev.polymath.text.bert.BertWeights;
import dev.polymath.text.bert.GradMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * DAM on a hand-built BERT whose first task vector carries a planted backdoor. The toy is analytic: position and
 * type embeddings, every attention output and every feed-forward layer of the base are zero, so each token's final
 * hidden state is LayerNorm of its word embedding, and every word embedding has coordinates 0 and 1 equal to its
 * mean, so coordinates 0 and 1 of the pooled output are exactly the final LayerNorm's biases 0 and 1, whatever
 * words the input holds: head t reads coordinate t, and no inserted word moves it except through a backdoor. Task vector 1 shifts bias 1; task vector 0 shifts bias 0 (its task) and plants a backdoor in layer
 * 1's feed-forward: one intermediate unit reads direction u (the LayerNorm'd embedding of trigger token 60; every
 * other word embedding is orthogonal to it, so the unit stays off on clean text) and writes -beta on coordinate 0.
 * Merged by task arithmetic (0.3), clean inputs give head 0 pooled x_0 = 1.8 (class 0) and three trigger tokens
 * send x_0 below 0 (class 1): the backdoor survives the merge (the final LayerNorm's gain 5 on coordinate 0 makes it
 * fire in the poisoned model alone too, where the shift is 6, so a scan of that model sees it). DAM must find or be
 * given a trigger and learn masks that cut the backdoor and keep both tasks' directions.
 */
class DamPlantedBackdoorTest {
    static final BertConfig TOY = new BertConfig(120, 16, 2, 2, 32, 24, 2, 1e-12, 0.0, 0.0);
    static final String LN1 = "encoder.layer.1.output.LayerNorm.";
    static final String FFN_IN = "encoder.layer.1.intermediate.dense.";
    static final String FFN_OUT = "encoder.layer.1.output.dense.";
    static final int TRIGGER = 60, H = 16;
    static final float SHIFT = 6f, ALPHA = 5f, KAPPA = 10f, BETA = 20f;

    BertModel model;
    BertWeights base;
    List<BertWeights> finetuned;

    @BeforeEach
    void setUp() {
        var rnd = new SplittableRandom(3);
        var t = new LinkedHashMap<String, BertWeights.Tensor>();
        try (BertModel r = BertModel.random(TOY, 11, 1)) {
            t.putAll(r.exportWeights().tensors());
        }
        float[] v = centred(rnd);
        scale(v, 40f / norm(v));                      // a long row: the mean embedding already leans towards it
        float[] emb = new float[TOY.vocabSize() * H];
        for (int row = 0; row < TOY.vocabSize(); row++) {
            float[] w = row == TRIGGER ? v : orthogonalTo(centred(rnd), v);
            System.arraycopy(w, 0, emb, row * H, H);
        }
        put(t, "embeddings.word_embeddings.weight", emb);
        put(t, "embeddings.position_embeddings.weight", new float[TOY.maxPositions() * H]);
        put(t, "embeddings.token_type_embeddings.weight", new float[TOY.typeVocabSize() * H]);
        for (int l = 0; l < 2; l++) {
            String pre = "encoder.layer." + l + ".";
            for (String n : List.of("attention.output.dense", "intermediate.dense", "output.dense")) {
                put(t, pre + n + ".weight", new float[t.get(pre + n + ".weight").data().length]);
                put(t, pre + n + ".bias", new float[t.get(pre + n + ".bias").data().length]);
            }
        }
        float[] gamma = t.get(LN1 + "weight").data().clone();
        gamma[0] = 5f;
        put(t, LN1 + "weight", gamma);
        base = new BertWeights(t, "toy base");

        var poisoned = new LinkedHashMap<>(t);
        float[] bias = t.get(LN1 + "bias").data().clone();
        bias[0] += SHIFT;
        put(poisoned, LN1 + "bias", bias);
        float[] u = v.clone();
        scale(u, 1f / norm(u));
        float[] w1 = new float[32 * H];
        for (int j = 0; j < H; j++) w1[j] = ALPHA * u[j];                 // unit 0 reads u
        put(poisoned, FFN_IN + "weight", w1);
        float[] b1 = new float[32];
        b1[0] = -KAPPA;
        put(poisoned, FFN_IN + "bias", b1);
        float[] w2 = new float[H * 32];
        w2[0] = -BETA;                                                   // ... and writes -beta on coordinate 0
        put(poisoned, FFN_OUT + "weight", w2);
        var other = new LinkedHashMap<>(t);
        float[] bias1 = t.get(LN1 + "bias").data().clone();
        bias1[1] += SHIFT;
        put(other, LN1 + "bias", bias1);
        finetuned = List.of(new BertWeights(poisoned, "poisoned task 0"), new BertWeights(other, "task 1"));
        model = BertModel.create(TOY, base, 1);
    }

    @AfterEach
    void tearDown() {
        model.close();
    }

    @Test
    void theSoftTriggerVersionCutsThePlantedBackdoorAndKeepsTheTasks() {
        try (MergeSpace space = new MergeSpace(model, finetuned)) {
            // the toy works as described: task arithmetic keeps the backdoor
            assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, predict(space, null, false), "clean, task arithmetic");
            assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, predict(space, null, true), "triggered, task arithmetic");

            var o = LearnOptions.defaults().withAdvLr(0.1).withAdvWeight(1.0).withSteps(40).withBatch(6).withMaskLr(0.1);
            LearnedMerge dam = BackdoorAwareMasks.softTrigger().learn(problem(space), o);
            assertCutsTheBackdoor(space, dam);
            assertTrue((double) dam.trace().get("trigger_flip_rate_first5") > 0.05, "the synthesized trigger flips predictions: " + dam.trace());
            // No "without the KL term the backdoor stays" control: in a full-suite CI run the shared mask alone also cut
            // the backdoor unit (it passed when run alone), so that control did not reliably fail or pass.
        }
    }

    @Test
    void theMasksCutTheBackdoorWhenToldTheTrigger() {
        try (MergeSpace space = new MergeSpace(model, finetuned)) {
            var o = new BackdoorAwareMasks().defaults().withSteps(40).withBatch(6).withMaskLr(0.1);
            LearnedMerge dam = BackdoorAwareMasks.knownTrigger(new long[] {TRIGGER, TRIGGER, TRIGGER}).learn(problem(space), o);
            assertEquals("known", dam.trace().get("trigger"));
            assertCutsTheBackdoor(space, dam);
        }
    }

    /**
     * The blind search scores a prefix by how much more it concentrates head predictions on one class in the merge
     * than in the pretrained encoder: the planted trigger scores high for task 0 (class 1), ordinary words ~0, and
     * the search recovers the trigger token without being told. In this toy every other word leaves the backdoor
     * unit far below zero, so its gradient is ~0 and the top-k ranking carries no signal: the search here relies on
     * its exploration share (explore = 1: candidates drawn from the vocabulary), i.e. this checks the scoring and
     * the greedy acceptance, not the gradient ranking.
     */
    @Test
    void theBlindSearchRecoversThePlantedTriggerAndDamThenCutsTheBackdoor() {
        try (MergeSpace space = new MergeSpace(model, finetuned)) {
            var search = new TriggerSearch.Options(12, 8, 32, 6, 1.0, true);
            MergeProblem p = problem(space);
            double[] planted = TriggerSearch.gainOf(p, search, 0.3, 0, new long[] {TRIGGER, TRIGGER, TRIGGER});
            double[] words = TriggerSearch.gainOf(p, search, 0.3, 0, new long[] {30, 31, 32});
            assertEquals(1, (int) planted[1], "the trigger pushes task 0 to class 1");
            assertTrue(planted[0] > 0.3, "planted trigger's gain " + planted[0]);
            assertEquals(0.0, words[0], 1e-4, "ordinary words move the merge exactly as the pretrained encoder (not at all)");

            var o = new BackdoorAwareMasks().defaults().withSteps(40).withBatch(6).withMaskLr(0.1);
            LearnedMerge dam = BackdoorAwareMasks.searched(search).learn(p, o);
            @SuppressWarnings("unchecked")
            List<List<Long>> found = (List<List<Long>>) dam.trace().get("trigger_ids");
            assertTrue(found.get(0).contains((long) TRIGGER), "task 0's prefix holds the planted token: " + dam.trace());
            @SuppressWarnings("unchecked")
            List<Double> gains = (List<Double>) dam.trace().get("trigger_gain");
            assertTrue(gains.get(0) > 0.3 && gains.get(0) > gains.get(1), "the backdoored task stands out: " + gains);
            assertEquals(1, ((List<?>) dam.trace().get("trigger_target_class")).get(0));
            assertCutsTheBackdoor(space, dam);
        }
    }

    void assertCutsTheBackdoor(MergeSpace space, LearnedMerge dam) {
        Map<String, float[]> mask = dam.mask();
        assertEquals(1f, mask.get(LN1 + "bias")[0], "task 0's direction is kept");
        assertEquals(1f, mask.get(LN1 + "bias")[1], "task 1's direction is kept");
        float[] in = mask.get(FFN_IN + "weight");
        boolean inputCut = false;
        for (int j = 0; j < H; j++) inputCut |= in[j] == 0f;
        assertTrue(mask.get(FFN_OUT + "weight")[0] == 0f || mask.get(FFN_IN + "bias")[0] == 0f || inputCut,
                "the backdoor unit's output weight, input bias or an input weight is cut");
        assertTrue((double) dam.trace().get("backdoor_mask_fraction") > 0, "the backdoor mask flags entries: " + dam.trace());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, predict(space, mask, false), "clean, DAM");
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, predict(space, mask, true), "triggered, DAM");
    }

    /** Head 0's predictions on the clean rows, or with three trigger tokens after [CLS], merged at 0.3 with {@code mask} (rescaled as the apply step does). */
    int[] predict(MergeSpace space, Map<String, float[]> mask, boolean triggered) {
        long[][] rows = rows();
        if (triggered) for (int i = 0; i < rows.length; i++) rows[i] = new long[] {101, TRIGGER, TRIGGER, TRIGGER, rows[i][1], rows[i][2], 102};
        try (GradMode g = GradMode.off(); BertModel.Step s = model.newStep(space.arrays())) {
            NDArray coef = s.manager().create(new float[] {0.3f, 0.3f}, new Shape(2, 1));
            Map<String, NDArray> masks = null;
            if (mask != null) {
                masks = new LinkedHashMap<>();
                for (var e : mask.entrySet()) masks.put(e.getKey(), ConcreteMask.rescale(s.manager().create(e.getValue(), new Shape(space.shape(e.getKey())))));
            }
            NDArray logits = problem(space).logits(s, space.merged(s, coef, masks), 0, rows);
            long[] a = logits.argMax(1).toLongArray();
            int[] out = new int[a.length];
            for (int i = 0; i < a.length; i++) out[i] = (int) a[i];
            return out;
        }
    }

    MergeProblem problem(MergeSpace space) {
        return new MergeProblem(space, List.of(head(0), head(1)), List.of(rows(), rows()), null, 7);
    }

    static TaskHead head(int dim) {
        float[] w = new float[2 * H];
        w[dim] = 2f;
        w[H + dim] = -2f;
        return new TaskHead("task" + dim, List.of("yes", "no"), H, w, new float[2]);
    }

    /** Clean text: [CLS], two ordinary words, [SEP]; never the trigger token or the reserved ids. */
    static long[][] rows() {
        long[][] rows = new long[12][];
        for (int i = 0; i < rows.length; i++) rows[i] = new long[] {101, 10 + i, 20 + (i * 7) % 90, 102};
        return rows;
    }

    /** A random vector with coordinates 0 and 1 = 0 and mean 0, so its LayerNorm keeps them at 0 (the heads' coordinates). */
    static float[] centred(SplittableRandom r) {
        float[] w = new float[H];
        double mean = 0;
        for (int j = 2; j < H; j++) {
            w[j] = (float) r.nextGaussian();
            mean += w[j];
        }
        mean /= H - 2;
        for (int j = 2; j < H; j++) w[j] -= (float) mean;
        return w;
    }

    static float[] orthogonalTo(float[] w, float[] v) {
        double dot = 0, vv = 0;
        for (int j = 0; j < H; j++) {
            dot += w[j] * v[j];
            vv += v[j] * v[j];
        }
        for (int j = 0; j < H; j++) w[j] -= (float) (dot / vv * v[j]);
        return w;
    }

    static float norm(float[] v) {
        double s = 0;
        for (float x : v) s += x * x;
        return (float) Math.sqrt(s);
    }

    static void scale(float[] v, float f) {
        for (int j = 0; j < v.length; j++) v[j] *= f;
    }

    static void put(Map<String, BertWeights.Tensor> t, String name, float[] data) {
        t.put(name, new BertWeights.Tensor(t.get(name).shape(), data));
    }
}
