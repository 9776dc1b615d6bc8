package dev.polymath.nn.meta.icl;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.Engines;
import dev.polymath.nn.NativeMemory;
import dev.polymath.nn.tensor.Graph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IclTransformerTest {
    static final IclModelConfig SMALL = new IclModelConfig(8, 3, 32, 2, 4, 64, 24);

    @BeforeAll
    static void engine() {
        Engines.pytorch(1);
    }

    static float[] gaussian(int n, long seed) {
        var rng = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rng.nextGaussian();
        return v;
    }

    static float[] logits(IclTransformer m, float[] x, int[][] labels) {
        int B = labels.length, T = labels[0].length;
        try (NDManager scope = NDManager.newBaseManager(); Graph g = Graph.open(scope)) {
            IclBatch b = IclBatch.withInputs(g, g.floats(x, B, T, m.config().inputDim()), labels, m.config().labels());
            return Graph.toFloats(m.forward(g, m.parameters().views(g), b.x(), b.yPrev()));
        }
    }

    @Test
    void futureTokensDoNotChangeEarlierOutputs() {
        int T = 12, D = SMALL.inputDim(), L = SMALL.labels(), cut = 5;
        try (NDManager root = NDManager.newBaseManager(); IclTransformer m = new IclTransformer(SMALL, 7, root)) {
            float[] x = gaussian(T * D, 1);
            int[][] y = {{0, 1, 2, 0, 1, 2, 2, 1, 0, 0, 1, 2}};
            float[] a = logits(m, x, y);
            float[] x2 = x.clone();
            for (int i = cut * D; i < x2.length; i++) x2[i] += 3f; // change every input from position `cut` on
            int[][] y2 = {y[0].clone()};
            for (int t = cut - 1; t < T; t++) y2[0][t] = (y2[0][t] + 1) % L; // y_{cut-1} is first read at position cut
            float[] b = logits(m, x2, y2);
            for (int i = 0; i < cut * L; i++) assertEquals(a[i], b[i], 1e-5, "output " + i / L + " changed");
            boolean laterChanged = false;
            for (int i = cut * L; i < T * L; i++) laterChanged |= Math.abs(a[i] - b[i]) > 1e-3;
            assertTrue(laterChanged, "later outputs must depend on the changed tokens");
        }
    }

    @Test
    void previousLabelIsReadOneStepLater() {
        int T = 6, D = SMALL.inputDim(), L = SMALL.labels();
        try (NDManager root = NDManager.newBaseManager(); IclTransformer m = new IclTransformer(SMALL, 3, root)) {
            float[] x = gaussian(T * D, 2);
            float[] a = logits(m, x, new int[][] {{0, 0, 0, 0, 0, 0}});
            float[] b = logits(m, x, new int[][] {{0, 0, 2, 0, 0, 0}});
            // y_2 is part of token 3: outputs 0..2 are equal, output 3 differs
            for (int i = 0; i < 3 * L; i++) assertEquals(a[i], b[i], 1e-6);
            assertNotEquals(a[3 * L], b[3 * L], 1e-4f);
        }
    }

    /** The forward pass against an independent numpy implementation (float64) of the same equations. */
    @Test
    void forwardMatchesANumpyReference(@TempDir Path dir) throws Exception {
        Path python = Path.of(System.getProperty("polymath.python", "/usr/bin/python3"));
        assumeTrue(java.nio.file.Files.isExecutable(python), "no " + python);
        int B = 2, T = 9, D = SMALL.inputDim();
        float[] x = gaussian(B * T * D, 4);
        int[][] y = {{0, 2, 1, 1, 0, 2, 2, 0, 1}, {1, 1, 1, 0, 2, 0, 1, 2, 2}};
        float[] expected;
        try (NDManager root = NDManager.newBaseManager(); IclTransformer m = new IclTransformer(SMALL, 21, root)) {
            // perturb the LayerNorm gains and biases so the test sees them (they start at 1 and 0)
            float[] v = m.parameters().values();
            var rng = new SplittableRandom(8);
            for (var s : m.parameters().specs()) {
                if (s.name().contains("ln")) for (int i = s.offset(); i < s.offset() + s.size(); i++) v[i] += (float) (0.3 * rng.nextGaussian());
            }
            m.parameters().sync();
            InContextClassifier.save(m, dir, Map.of());
            expected = logits(m, x, y);
        }
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var in = mapper.createObjectNode();
        var xs = in.putArray("x");
        for (float f : x) xs.add(f);
        var ls = in.putArray("labels");
        for (int[] row : y) { var r = ls.addArray(); for (int l : row) r.add(l); }
        java.nio.file.Files.writeString(dir.resolve("input.json"), mapper.writeValueAsString(in));
        Path script = dir.resolve("reference_forward.py");
        try (var s = getClass().getResourceAsStream("/gpicl/reference_forward.py")) {
            java.nio.file.Files.copy(s, script);
        }
        Process p = new ProcessBuilder(python.toString(), script.toString(), dir.toString(), dir.resolve("input.json").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int rc = p.waitFor();
        assumeTrue(rc == 0 || !out.isBlank(), "numpy reference did not run (exit " + rc + ")");
        assertEquals(0, rc, out);
        var got = mapper.readTree(out).get("logits");
        assertEquals(expected.length, got.size());
        for (int i = 0; i < expected.length; i++) assertEquals(got.get(i).asDouble(), expected[i], 2e-4, "logit " + i);
    }

    @Test
    void saveThenLoadGivesIdenticalPredictions(@TempDir Path dir) {
        int n = 10, q = 7, D = SMALL.inputDim();
        float[][] demo = new float[n][], queries = new float[q][];
        int[] demoY = new int[n];
        for (int i = 0; i < n; i++) { demo[i] = gaussian(D, 100 + i); demoY[i] = i % 3; }
        for (int i = 0; i < q; i++) queries[i] = gaussian(D, 200 + i);
        float[] expectedLast;
        try (NDManager root = NDManager.newBaseManager(); IclTransformer m = new IclTransformer(SMALL, 11, root)) {
            InContextClassifier.save(m, dir, Map.of("note", "test"));
            // the reference: each query as the last token after the demonstrations, through the raw network
            float[] x = new float[(n + 1) * D];
            for (int i = 0; i < n; i++) System.arraycopy(demo[i], 0, x, i * D, D);
            System.arraycopy(queries[4], 0, x, n * D, D);
            int[][] y = new int[1][n + 1];
            System.arraycopy(demoY, 0, y[0], 0, n);
            float[] all = logits(m, x, y);
            expectedLast = java.util.Arrays.copyOfRange(all, n * SMALL.labels(), (n + 1) * SMALL.labels());
        }
        try (InContextClassifier c = InContextClassifier.load(dir)) {
            assertEquals(SMALL, c.config());
            float[][] p = c.probabilities(demo, demoY, queries);
            int[] pred = c.predict(demo, demoY, queries);
            // softmax of the reference logits equals the loaded model's probabilities for query 4
            double max = Math.max(expectedLast[0], Math.max(expectedLast[1], expectedLast[2])), z = 0;
            for (float v : expectedLast) z += Math.exp(v - max);
            for (int c2 = 0; c2 < 3; c2++) assertEquals(Math.exp(expectedLast[c2] - max) / z, p[4][c2], 1e-5);
            for (int i = 0; i < q; i++) {
                int best = 0;
                for (int k = 1; k < 3; k++) if (p[i][k] > p[i][best]) best = k;
                assertEquals(best, pred[i]);
            }
            // a query's prediction does not depend on the other queries in the call
            assertArrayEquals(p[4], c.probabilities(demo, demoY, new float[][] {queries[4]})[0], 1e-6f);
            var e = assertThrows(IllegalArgumentException.class, () -> c.predict(demo, demoY, new float[][] {new float[D + 1]}));
            assertTrue(e.getMessage().contains("prompt 0: query has 9 features"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.predict(new float[24][D], new int[24], queries));
            assertThrows(IllegalArgumentException.class, () -> c.predict(demo, new int[] {0, 1, 2, 3, 0, 0, 0, 0, 0, 0}, queries));
        }
    }

    /** Prompts of mixed lengths in one call give what each gives alone (one prompt per forward pass). */
    @Test
    void batchedPromptsEqualOneAtATime(@TempDir Path dir) {
        int D = SMALL.inputDim();
        try (NDManager root = NDManager.newBaseManager(); IclTransformer m = new IclTransformer(SMALL, 13, root)) {
            InContextClassifier.save(m, dir, Map.of());
        }
        var rng = new SplittableRandom(5);
        var prompts = new java.util.ArrayList<InContextClassifier.Prompt>();
        for (int i = 0; i < 300; i++) {
            int n = i < 260 ? 6 : rng.nextInt(12); // 260 of one length: more than one pass of BATCH; then mixed, incl. 0 demos
            float[][] x = new float[n][];
            int[] y = new int[n];
            for (int t = 0; t < n; t++) { x[t] = gaussian(D, 1000L * i + t); y[t] = rng.nextInt(SMALL.labels()); }
            prompts.add(new InContextClassifier.Prompt(x, y, gaussian(D, 7_000_000L + i)));
        }
        try (InContextClassifier c = InContextClassifier.load(dir)) {
            float[][] batched = c.probabilities(prompts);
            float[][] alone = c.probabilities(prompts, 1);
            float[][] small = c.probabilities(prompts, 7);
            double worst = 0;
            for (int i = 0; i < prompts.size(); i++) {
                for (int k = 0; k < SMALL.labels(); k++) {
                    worst = Math.max(worst, Math.abs(batched[i][k] - alone[i][k]));
                    worst = Math.max(worst, Math.abs(small[i][k] - alone[i][k]));
                }
                // and against the single-prompt call with no list at all
                var p = prompts.get(i);
                assertArrayEquals(alone[i], c.probabilities(p.demoX(), p.demoY(), new float[][] {p.query()})[0], 0f, "prompt " + i);
            }
            System.out.println("batched vs one at a time: max abs difference " + worst);
            assertTrue(worst <= 1e-6, "batched vs one at a time differ by " + worst);
            var e = assertThrows(IllegalArgumentException.class, () -> c.probabilities(java.util.List.of(prompts.get(0),
                    new InContextClassifier.Prompt(new float[][] {new float[D]}, new int[] {3}, new float[D])), 4));
            assertTrue(e.getMessage().contains("prompt 1: demonstration 0 has label 3"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.probabilities(prompts, 0));
        }
    }

    @Test
    void loadRejectsAMismatchedConfig(@TempDir Path dir) {
        try (NDManager root = NDManager.newBaseManager(); IclTransformer m = new IclTransformer(SMALL, 1, root)) {
            InContextClassifier.save(m, dir, Map.of());
        }
        new IclModelConfig(8, 3, 64, 2, 4, 64, 24).write(dir.resolve(InContextClassifier.CONFIG));
        var e = assertThrows(IllegalArgumentException.class, () -> InContextClassifier.load(dir));
        assertTrue(e.getMessage().contains("embed.weight"), e.getMessage());
    }

    /** Learnable in context only: each sequence's label is a fixed linear rule of x picked at random per sequence. */
    static ProjectedTasks toyTasks(int width, long seed) {
        var rng = new SplittableRandom(seed);
        int n = 2000;
        float[][] rows = new float[n][];
        int[] cls = new int[n];
        for (int i = 0; i < n; i++) {
            cls[i] = i % 3;
            rows[i] = new float[width];
            for (int j = 0; j < width; j++) rows[i][j] = (float) (0.5 * rng.nextGaussian());
            rows[i][cls[i]] += 2f; // class c: a bump on feature c
        }
        return new ProjectedTasks(new IclSource("toy", rows, cls, List.of("a", "b", "c")), 8, 3, List.of(0, 1, 2), seed);
    }

    @Test
    void aShortTrainingRunLowersTheLoss() {
        ProjectedTasks tasks = toyTasks(16, 5);
        try (NDManager root = NDManager.newBaseManager(); IclTransformer m = new IclTransformer(SMALL, 2, root)) {
            var before = IclTrainer.evaluate(m, tasks, 0, 4, 64, 16, 9);
            var r = IclTrainer.train(m, tasks, 4, new IclTrainer.Options(150, 16, 16, 3e-3, 10, 1.0, 0), null);
            var after = IclTrainer.evaluate(m, tasks, 0, 4, 64, 16, 9);
            assertTrue(r.loss()[r.loss().length - 1] < 0.8 * r.loss()[0], "training loss " + r.loss()[0] + " -> " + r.loss()[r.loss().length - 1]);
            assertTrue(after.loss() < before.loss() - 0.1, "eval loss " + before.loss() + " -> " + after.loss());
            assertTrue(after.lateAccuracy().mean() > 0.5, "late accuracy " + after.lateAccuracy());
        }
    }

    @Test
    void trainingIsReproducibleFromItsSeed() {
        ProjectedTasks tasks = toyTasks(16, 5);
        float[][] out = new float[2][];
        for (int k = 0; k < 2; k++) {
            try (NDManager root = NDManager.newBaseManager(); IclTransformer m = new IclTransformer(SMALL, 2, root)) {
                IclTrainer.train(m, tasks, 8, new IclTrainer.Options(5, 4, 8, 1e-3, 2, 1.0, 3), null);
                out[k] = m.parameters().values().clone();
            }
        }
        assertArrayEquals(out[0], out[1]);
    }

    @Test
    void nativeMemoryStaysFlatAndManagersClose() {
        ProjectedTasks tasks = toyTasks(16, 5);
        NDManager root = NDManager.newBaseManager();
        IclTransformer m = new IclTransformer(SMALL, 2, root);
        var o = new IclTrainer.Options(200, 8, 16, 1e-3, 2, 1.0, 3);
        long[] rss = new long[6];
        for (int i = 0; i < rss.length; i++) {
            IclTrainer.train(m, tasks, 8, o, null);
            IclTrainer.evaluate(m, tasks, 0, 8, 64, 16, i);
            rss[i] = NativeMemory.residentBytes();
        }
        // the first rounds warm up the JIT and the allocator's pools; after that, 600 more steps must not grow
        long growth = rss[5] - rss[2];
        assertTrue(growth < 4L << 20, "resident memory grew by " + (growth >> 10) + " KiB over 600 steps: " + java.util.Arrays.toString(rss));
        m.close();
        root.close();
        assertFalse(root.isOpen());
    }

    @Test
    void scheduleWarmsUpThenDecaysToTenPercentAndAdamTakesTheStepSize() {
        assertEquals(0.1, IclTrainer.schedule(0, 100, 10), 1e-12);
        assertEquals(1.0, IclTrainer.schedule(9, 100, 10), 1e-12);
        assertEquals(1.0, IclTrainer.schedule(10, 100, 10), 1e-12);
        assertEquals(0.55, IclTrainer.schedule(55, 100, 10), 1e-12); // half-way through the decay: 0.1 + 0.9 * 0.5
        assertEquals(0.1, IclTrainer.schedule(100, 100, 10), 1e-12);
        var a = new dev.polymath.nn.optim.Adam(3, 0.05);
        var b = new dev.polymath.nn.optim.Adam(3, 0.7);
        float[] pa = {1, 2, 3}, pb = pa.clone(), g = {0.5f, -1, 2};
        for (int i = 0; i < 3; i++) { a.step(pa, g); b.step(pb, g, 0.05); }
        assertArrayEquals(pa, pb);
    }

    @Test
    void configRoundTripsAndRejectsBadFields(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("config.json");
        SMALL.write(f);
        assertEquals(SMALL, IclModelConfig.read(f));
        java.nio.file.Files.writeString(f, java.nio.file.Files.readString(f).replace("\"heads\" : 4", "\"heads\" : \"four\""));
        var e = assertThrows(IllegalArgumentException.class, () -> IclModelConfig.read(f));
        assertTrue(e.getMessage().contains("'heads'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IclModelConfig(8, 3, 30, 2, 4, 64, 24));
    }
}
