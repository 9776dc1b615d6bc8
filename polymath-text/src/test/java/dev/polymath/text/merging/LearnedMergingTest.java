package dev.polymath.text.merging;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.polymath.core.safetensors.DType;
import dev.polymath.core.safetensors.SafetensorsFile;
import dev.polymath.core.safetensors.SafetensorsWriter;
import dev.polymath.merge.MergeConfig;
import dev.polymath.merge.MergeEngine;
import dev.polymath.nn.Engines;
import dev.polymath.text.bert.BertConfig;
import dev.polymath.text.bert.BertModel;
import dev.polymath.text.bert.BertWeights;
import dev.polymath.text.bert.GradMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Learned merging on a toy problem with a known answer: a tiny random BERT whose two task vectors shift the
 * last LayerNorm bias (so the mean-pooled output moves by exactly the shift times the coefficient) along the
 * direction that one task's head reads; each head is [x_d, -x_d] on its own dimension d.
 */
class LearnedMergingTest {
    static final BertConfig TINY = new BertConfig(120, 16, 2, 2, 32, 24, 2, 1e-12, 0.0, 0.0);
    static final String LN_BIAS = "encoder.layer.1.output.LayerNorm.bias";
    static final float SHIFT = 6f;

    @TempDir Path dir;
    BertModel model;
    BertWeights base;
    List<BertWeights> finetuned;

    @BeforeEach
    void setUp() {
        try (BertModel r = BertModel.random(TINY, 11, 1)) {
            var t = new LinkedHashMap<>(r.exportWeights().tensors());
            float[] b = t.get(LN_BIAS).data().clone();
            b[0] = 2f;   // pooled x_0 and x_1 start clearly positive, so entropy falls as the shift grows
            b[1] = 2f;
            t.put(LN_BIAS, new BertWeights.Tensor(t.get(LN_BIAS).shape(), b));
            base = new BertWeights(t, "toy base");
        }
        finetuned = List.of(shifted(0), shifted(1));
        model = BertModel.create(TINY, base, 1);
    }

    @AfterEach
    void tearDown() {
        model.close();
    }

    BertWeights shifted(int dim) {
        var t = new LinkedHashMap<>(base.tensors());
        float[] b = t.get(LN_BIAS).data().clone();
        b[dim] += SHIFT;
        t.put(LN_BIAS, new BertWeights.Tensor(t.get(LN_BIAS).shape(), b));
        return new BertWeights(t, "toy task " + dim);
    }

    static TaskHead head(int dim) {
        float[] w = new float[2 * 16];
        w[dim] = 1f;
        w[16 + dim] = -1f;
        return new TaskHead("task" + dim, List.of("yes", "no"), 16, w, new float[2]);
    }

    static List<long[][]> inputs() {
        long[][] rows = new long[12][];
        for (int i = 0; i < rows.length; i++) rows[i] = new long[] {101 % 120, 5 + i, 20 + (i * 7) % 90, 102 % 120};
        return List.of(rows, rows);
    }

    MergeProblem problem(MergeSpace space, List<MergeProblem.Labelled> labelled) {
        return new MergeProblem(space, List.of(head(0), head(1)), inputs(), labelled, 7);
    }

    @Test
    void entropyOfKnownLogits() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            // uniform over 2 classes: ln 2; logits (0, ln 3): p = (1/4, 3/4), H = -(1/4 ln 1/4 + 3/4 ln 3/4)
            NDArray l = m.create(new float[] {0, 0, 0, (float) Math.log(3)}, new Shape(2, 2));
            double h2 = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
            assertEquals((Math.log(2) + h2) / 2, MergeProblem.entropy(l).getFloat(), 1e-6);
            NDArray y = m.create(new long[] {0, 1});
            assertEquals((Math.log(2) - Math.log(0.75)) / 2, MergeProblem.crossEntropy(l, y).getFloat(), 1e-6);
        }
    }

    @Test
    void entropyGradientMatchesFiniteDifferencesAndPointsDownhill() {
        try (MergeSpace space = new MergeSpace(model, finetuned); NDManager m = model.newChildManager()) {
            assertEquals(List.of(LN_BIAS), space.names(), "only the shifted tensor is merged");
            MergeProblem p = problem(space, null);
            NDArray coef = m.create(new float[] {0.3f, 0.3f}, new Shape(2, 1));
            coef.setRequiresGradient(true);
            var attach = new ArrayList<>(space.arrays());
            attach.add(coef);
            float[] grad;
            try (BertModel.Step s = model.newStep(attach); GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                NDArray h = MergeProblem.entropy(p.logits(s, space.merged(s, coef, null), 0, p.unlabelled().get(0)));
                gc.backward(h);
                grad = coef.getGradient().toFloatArray();
            }
            double h = 1e-2;
            double fd = (entropyAt(space, p, 0.3 + h, 0.3) - entropyAt(space, p, 0.3 - h, 0.3)) / (2 * h);
            assertTrue(grad[0] < 0, "a larger coefficient of task 0's vector makes head 0 more confident: gradient " + grad[0]);
            assertEquals(fd, grad[0], Math.abs(fd) * 0.02 + 1e-5);
            assertEquals(0f, grad[1], 1e-6f, "task 1's vector does not touch head 0's dimension");
        }
    }

    double entropyAt(MergeSpace space, MergeProblem p, double c0, double c1) {
        try (GradMode g = GradMode.off(); BertModel.Step s = model.newStep(space.arrays())) {
            NDArray coef = s.manager().create(new float[] {(float) c0, (float) c1}, new Shape(2, 1));
            return MergeProblem.entropy(p.logits(s, space.merged(s, coef, null), 0, p.unlabelled().get(0))).getFloat();
        }
    }

    @Test
    void concreteRelaxationLimits() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            NDArray logits = m.create(new float[] {-2f, 0f, 0.5f, 3f});
            // u = 1/2: no noise, sigmoid(l / T)
            float[] half = ConcreteMask.relaxed(logits, m.full(new Shape(4), 0.5f, DataType.FLOAT32), 0.5f).toFloatArray();
            for (int i = 0; i < 4; i++) assertEquals(1 / (1 + Math.exp(-logits.toFloatArray()[i] / 0.5)), half[i], 1e-6);
            // T -> 0: the hard mask of l + noise (u = 0.3: noise = ln(0.3/0.7) = -0.847)
            float[] cold = ConcreteMask.relaxed(logits, m.full(new Shape(4), 0.3f, DataType.FLOAT32), 1e-4f).toFloatArray();
            assertArrayEquals(new float[] {0, 0, 0, 1}, cold, 1e-6f);
            // T -> infinity: 1/2 everywhere
            float[] hot = ConcreteMask.relaxed(logits, m.full(new Shape(4), 0.3f, DataType.FLOAT32), 1e6f).toFloatArray();
            for (float v : hot) assertEquals(0.5, v, 1e-5);
            // extreme logits saturate whatever the noise
            float[] sat = ConcreteMask.relaxed(m.create(new float[] {-60f, 60f}), m.create(new float[] {0.999f, 0.001f}), 0.5f).toFloatArray();
            assertArrayEquals(new float[] {0, 1}, sat, 1e-6f);
            assertArrayEquals(new float[] {0, 1, 1, 1}, ConcreteMask.hard(logits.toFloatArray()));
            assertArrayEquals(new float[] {0, 2, 2, 0}, ConcreteMask.rescale(m.create(new float[] {0, 1, 1, 0})).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void adaMergingRaisesTheCoefficientsThatMakeHeadsConfident() {
        try (MergeSpace space = new MergeSpace(model, finetuned)) {
            var o = LearnOptions.defaults().withSteps(15).withBatch(6).withLr(0.05);
            LearnedMerge r = LearnedMergeMethods.get("adamerging").learn(problem(space, null), o);
            assertTrue(r.coefficients()[0][0] > 0.6 && r.coefficients()[1][0] > 0.6, "both rise from 0.3: " + java.util.Arrays.deepToString(r.coefficients()));
            assertTrue((double) r.trace().get("entropy_last5") < (double) r.trace().get("entropy_first5"));
            LearnedMerge layer = LearnedMergeMethods.get("adamerging_layer").learn(problem(space, null), o);
            assertEquals(1, layer.coefficients()[0].length, "one merged tensor, one layer-wise coefficient per task");
        }
    }

    @Test
    void selfPositioningFollowsTheLabels() {
        // task 0's labels agree with its task vector (class 0), task 1's oppose it (class 1): c0 up, c1 down
        long[][] rows = inputs().get(0);
        var labelled = List.of(new MergeProblem.Labelled(rows, new int[rows.length]), new MergeProblem.Labelled(rows, filled(rows.length, 1)));
        try (MergeSpace space = new MergeSpace(model, finetuned)) {
            var m = LearnedMergeMethods.get("self_positioning");
            LearnedMerge r = m.learn(problem(space, labelled), m.defaults().withSteps(10).withBatch(6));
            assertTrue(r.coefficients()[0][0] > 0.32, "c0 rises: " + r.coefficients()[0][0]);
            assertTrue(r.coefficients()[1][0] < 0.25, "c1 falls: " + r.coefficients()[1][0]);
        }
    }

    static int[] filled(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /**
     * DAM's masks descend entropy(clean) + w * KL(clean || triggered), hand-computed here. The KL term does not
     * saturate: for a trigger that confidently flips a prediction its gradient in the triggered logits is
     * p_triggered - p_clean, where the entropy of the triggered prediction (FusionBench's "regu2", which left the
     * TweetEval backdoor mask without signal) has a gradient of ~0. The clean prediction is a detached target.
     */
    @Test
    void damMaskObjectiveIsEntropyPlusANonSaturatingKl() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            float ln3 = (float) Math.log(3);
            NDArray clean = m.create(new float[] {0f, ln3}, new Shape(1, 2));          // p = (1/4, 3/4)
            NDArray flipped = m.create(new float[] {50f, -50f}, new Shape(1, 2));      // confidently class 0
            double hClean = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
            double kl = 0.25 * Math.log(0.25) + 0.75 * (Math.log(0.75) + 100);      // sum p_c (ln p_c - ln p_t), ln p_t = (0, -100)
            assertEquals(kl, BackdoorAwareMasks.consistency(clean, flipped).getFloat(), 1e-3);
            assertEquals(0.0, BackdoorAwareMasks.consistency(clean, clean).getFloat(), 1e-6);
            assertEquals(hClean + 0.5 * kl, BackdoorAwareMasks.maskObjective(clean, flipped, 0.5f).getFloat(), 1e-3);
            assertEquals(1.0, BackdoorAwareMasks.flipRate(clean, flipped));
            flipped.setRequiresGradient(true);
            clean.setRequiresGradient(true);
            try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                gc.backward(BackdoorAwareMasks.consistency(clean, flipped));
            }
            assertArrayEquals(new float[] {0.75f, -0.75f}, flipped.getGradient().toFloatArray(), 1e-5f, "p_triggered - p_clean");
            assertArrayEquals(new float[] {0f, 0f}, clean.getGradient().toFloatArray(), 0f, "the clean prediction is a fixed target");
            NDArray again = m.create(new float[] {50f, -50f}, new Shape(1, 2));
            again.setRequiresGradient(true);
            try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                gc.backward(MergeProblem.entropy(again));
            }
            for (float g : again.getGradient().toFloatArray()) assertEquals(0f, g, 1e-20f, "the triggered entropy saturates");
        }
    }

    /**
     * The search's score, hand-computed: 2 inputs, 2 classes. The merge's mean triggered probabilities (0.8, 0.2) rise
     * from its clean (0.5, 0.5) by (0.3, -0.3); the pretrained encoder's (0.5, 0.5) from (0.4, 0.6) by (0.1, -0.1): gain
     * (0.2, -0.2). A second prefix that moves both encoders alike (+0.1 on class 0) gains 0.
     */
    @Test
    void triggerSearchScoresTheConcentrationGainOverThePretrainedEncoder() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            NDArray mergedTriggered = m.create(new float[] {0.9f, 0.1f, 0.7f, 0.3f, 0.7f, 0.3f, 0.5f, 0.5f}, new Shape(2, 2, 2));
            NDArray pretrainedTriggered = m.create(new float[] {0.6f, 0.4f, 0.4f, 0.6f, 0.6f, 0.4f, 0.4f, 0.6f}, new Shape(2, 2, 2));
            NDArray g = TriggerSearch.gains(mergedTriggered, m.create(new float[] {0.5f, 0.5f}), pretrainedTriggered, m.create(new float[] {0.4f, 0.6f}));
            assertArrayEquals(new long[] {2, 2}, g.getShape().getShape());
            assertArrayEquals(new float[] {0.2f, -0.2f, 0f, 0f}, g.toFloatArray(), 1e-6f);
        }
    }

    /** A step whose gradient is not finite leaves every array as it was (one inf would otherwise poison the moments for good). */
    @Test
    void adamSkipsAStepWithANonFiniteGradient() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            var opt = new ArrayAdam(m);
            NDArray x = opt.adam("x", m.create(new float[] {1f, 2f}), 0.1, false);
            NDArray y = opt.adamGrouped("y", m.create(new float[] {3f}), 0.1, "g");
            try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                gc.backward(x.mul(m.create(new float[] {Float.POSITIVE_INFINITY, 1f})).sum().add(y.sum()));
            }
            opt.step();
            assertEquals(1, opt.skipped());
            assertArrayEquals(new float[] {1f, 2f}, x.toFloatArray());
            assertArrayEquals(new float[] {3f}, y.toFloatArray());
            try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                gc.backward(x.sum().add(y.sum()));
            }
            opt.step();
            assertEquals(1, opt.skipped());
            assertArrayEquals(new float[] {0.9f, 1.9f}, x.toFloatArray(), 1e-5f, "Adam's first step moves each entry by lr");
        }
    }

    @Test
    void masksAreDeterministicForASeedAndShapedLikeTheTensors() {
        try (MergeSpace space = new MergeSpace(model, finetuned)) {
            var o = LearnOptions.defaults().withSteps(3).withBatch(4);
            LearnedMerge a = LearnedMergeMethods.get("dam").learn(problem(space, null), o);
            LearnedMerge b = LearnedMergeMethods.get("dam").learn(problem(space, null), o);
            assertArrayEquals(a.mask().get(LN_BIAS), b.mask().get(LN_BIAS));
            assertEquals(16, a.mask().get(LN_BIAS).length);
            LearnedMerge c = LearnedMergeMethods.get("concrete").learn(problem(space, null), o);
            assertEquals(16, c.mask().get(LN_BIAS).length);
            for (float v : c.mask().get(LN_BIAS)) assertTrue(v == 0f || v == 1f);
        }
        assertArrayEquals(new long[] {101, 7, 8, 9, 5, 102}, BackdoorAwareMasks.withTrigger(new long[] {101, 5, 102}, BackdoorAwareMasks.reserved(7, 3)));
    }

    @Test
    void theApplyStepReproducesTheLearnSidesMergedWeights() {
        // layer-wise coefficients and a mask, written as a merge config and applied by polymath-merge
        var t0 = new LinkedHashMap<>(finetuned.get(0).tensors());
        t0.put("encoder.layer.0.output.dense.bias", plus(base.get("encoder.layer.0.output.dense.bias"), 0.5f));
        t0.put("encoder.layer.0.attention.output.dense.bias", plus(base.get("encoder.layer.0.attention.output.dense.bias"), -0.25f));
        var ft = List.of(new BertWeights(t0, "a"), finetuned.get(1));
        Path basePath = save(base, "base"), a = save(ft.get(0), "a"), b = save(ft.get(1), "b");
        try (MergeSpace space = new MergeSpace(model, ft)) {
            List<String> names = space.names();
            assertEquals(3, names.size());
            double[][] coef = {{0.7, -0.2, 0.45}, {0.1, 0.9, 1.3}};
            var mask = new LinkedHashMap<String, float[]>();
            float[] mk = new float[16];
            for (int i = 0; i < 16; i += 3) mk[i] = 1;
            mask.put(LN_BIAS, mk);
            var lm = new LearnedMerge("test", names, coef, 1.0, mask, Map.of());
            var shapes = new LinkedHashMap<String, long[]>();
            for (String n : names) shapes.put(n, space.shape(n));
            Path cfg = lm.writeConfig(dir.resolve("learned"), basePath, List.of(a, b), shapes);
            Path out = dir.resolve("merged");
            try (var e = new MergeEngine(MergeConfig.load(cfg), MergeEngine.Options.defaults().withThreads(1))) {
                e.run(out);
            }
            try (var f = SafetensorsFile.open(out.resolve("model.safetensors"));
                 GradMode g = GradMode.off(); BertModel.Step s = model.newStep(space.arrays())) {
                float[] flat = new float[2 * names.size()];
                for (int k = 0; k < 2; k++) for (int j = 0; j < names.size(); j++) flat[k * names.size() + j] = (float) coef[k][j];
                NDArray c = s.manager().create(flat, new Shape(2, names.size()));
                var masks = Map.of(LN_BIAS, ConcreteMask.rescale(s.manager().create(mk)));
                var w = space.merged(s, c, masks);
                for (String n : base.tensors().keySet()) {
                    assertArrayEquals(w.apply(n).toFloatArray(), f.readAllFloats(n), 1e-5f, n);
                }
            }
        }
    }

    static BertWeights.Tensor plus(BertWeights.Tensor t, float v) {
        float[] d = t.data().clone();
        for (int i = 0; i < d.length; i++) d[i] += v;
        return new BertWeights.Tensor(t.shape(), d);
    }

    Path save(BertWeights w, String name) {
        var list = new ArrayList<SafetensorsWriter.Tensor>();
        w.tensors().forEach((n, t) -> list.add(SafetensorsWriter.Tensor.ofFloats(n, DType.F32, t.shape(), t.data())));
        Path p = dir.resolve(name + ".safetensors");
        SafetensorsWriter.write(p, list, Map.of());
        return p;
    }
}
