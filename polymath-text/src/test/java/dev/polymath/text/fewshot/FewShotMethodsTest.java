package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class FewShotMethodsTest {
    private static FloatMatrix m(float[]... rows) {
        float[] d = new float[rows.length * 2];
        for (int i = 0; i < rows.length; i++) { d[2 * i] = rows[i][0]; d[2 * i + 1] = rows[i][1]; }
        return new FloatMatrix(rows.length, 2, d);
    }

    @Test
    void prototypesAreNormalizedClassMeansAndCosineDecides() {
        // class 0 at (1,0),(1,1) -> mean (1,0.5) -> unit (0.894, 0.447); class 1 at (0,1) -> (0,1)
        var s = new Support(m(new float[] {1, 0}, new float[] {1, 1}, new float[] {0, 1}), new int[] {0, 0, 1},
                LabelIndex.of(List.of("a", "a", "b")), null, null, 0);
        var head = (CosineHead) new PrototypeMethod().fit(s);
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(1.25)), (float) (0.5 / Math.sqrt(1.25))}, head.prototypes()[0], 1e-6f);
        assertArrayEquals(new float[] {0, 1}, head.prototypes()[1], 1e-6f);
        // query (1,1): cos to class 0 = (0.894+0.447)/1.414 = 0.9487, to class 1 = 0.7071 -> class 0
        double[] p = head.probabilities(m(new float[] {1, 1}))[0];
        assertTrue(p[0] > p[1]);
        assertEquals(1.0, p[0] + p[1], 1e-12);
        // probabilities are softmax(scale * cosine)
        double expected = 1 / (1 + Math.exp(-head.scale() * (3 / Math.sqrt(10) - 1 / Math.sqrt(2))));
        assertEquals(expected, p[0], 1e-9);
    }

    @Test
    void logisticSeparatesASeparableToySet() {
        var x = m(new float[] {2, 0}, new float[] {3, 0.5f}, new float[] {0, 2}, new float[] {0.5f, 3}, new float[] {-2, -2}, new float[] {-3, -2});
        var s = new Support(x, new int[] {0, 0, 1, 1, 2, 2}, LabelIndex.of(List.of("x", "y", "z")), null, null, 0);
        var head = new LogisticMethod().fit(s);
        double[][] p = head.probabilities(m(new float[] {4, 0}, new float[] {0, 4}, new float[] {-4, -4}));
        for (int i = 0; i < 3; i++) assertEquals(i, Softmax.argmax(p[i]), "query " + i);
    }

    @Test
    void labelOrderNeverChangesPredictions() {
        var enc = new FakeEncoder();
        var texts = List.of("1,0", "0.9,0.2", "0,1", "0.1,0.9", "-1,0.1", "-0.8,-0.3");
        var labels = List.of("east", "east", "north", "north", "west", "west");
        var queries = List.of("0.7,0.6", "-0.2,0.9", "-1,-1", "0.95,-0.1");
        for (String method : List.of("prototype", "logistic")) {
            var a = FewShotClassifier.fit(enc, "fake", FewShotMethods.get(method), texts, labels, List.of(), 0);
            var b = FewShotClassifier.fit(enc, "fake", FewShotMethods.get(method), texts.reversed(), labels.reversed(), List.of(), 0);
            assertEquals(a.predict(enc, queries), b.predict(enc, queries), method);
            assertArrayEquals(a.predictProba(enc, queries)[0], b.predictProba(enc, queries)[0], 1e-9, method);
        }
    }

    @Test
    void saveThenLoadGivesIdenticalPredictions(@TempDir Path dir) throws Exception {
        var enc = new FakeEncoder();
        var texts = List.of("1,0", "0.9,0.2", "0,1", "0.1,0.9", "-1,0.1", "-0.8,-0.3");
        var labels = List.of("east", "east", "north", "north", "west", "west");
        var queries = List.of("0.7,0.6", "-0.2,0.9", "-1,-1", "0.95,-0.1", "0.5,0.5");
        for (String method : List.of("prototype", "logistic")) {
            var clf = FewShotClassifier.fit(enc, "fake", FewShotMethods.get(method), texts, labels, List.of(), 0);
            Path out = dir.resolve(method);
            clf.save(out);
            assertTrue(Files.exists(out.resolve(FewShotClassifier.HEAD)));
            var back = FewShotClassifier.load(out, enc.identity());
            assertEquals(clf.labels(), back.labels());
            double[][] p = clf.predictProba(enc, queries), q = back.predictProba(enc, queries);
            for (int i = 0; i < p.length; i++) assertArrayEquals(p[i], q[i], 0.0, method + " query " + i);
        }
    }

    @Test
    void selfTrainingTakesAnySupervisedBaseByNameAndSavesUnderIt(@TempDir Path dir) throws Exception {
        assertEquals("selftrain", FewShotMethods.get("selftrain").name());
        assertEquals("selftrain", FewShotMethods.get("selftrain:prototype").name());
        var m = FewShotMethods.get("selftrain:logistic");
        assertEquals("selftrain:logistic", m.name());
        assertTrue(m.description().contains("(logistic)"), m.description());
        for (String bad : List.of("selftrain:zeroshot", "selftrain:raml", "selftrain:selftrain", "selftrain:meta")) {
            var e = assertThrows(IllegalArgumentException.class, () -> FewShotMethods.check(bad));
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        var unknown = assertThrows(IllegalArgumentException.class, () -> FewShotMethods.check("selftrain:nope"));
        assertTrue(unknown.getMessage().contains("unknown few-shot method 'nope'"), unknown.getMessage());

        // a pool whose texts sit on the class directions: logistic + pseudo-labels differs from plain logistic, and round-trips
        var enc = new FakeEncoder();
        var texts = List.of("1,0", "0,1", "-1,0.2");
        var labels = List.of("east", "north", "west");
        var pool = List.of("0.9,0.1", "0.8,-0.1", "0.1,0.9", "-0.1,0.8", "-0.9,0.1", "-0.8,0.3");
        var queries = List.of("0.7,0.6", "-0.2,0.9", "-1,-1", "0.5,0.5");
        var plain = FewShotClassifier.fit(enc, "fake", FewShotMethods.get("logistic"), texts, labels, pool, 0);
        var st = FewShotClassifier.fit(enc, "fake", m, texts, labels, pool, 0);
        assertFalse(java.util.Arrays.equals(plain.predictProba(enc, queries)[0], st.predictProba(enc, queries)[0]), "the pseudo-labels changed the head");
        Path out = dir.resolve("st");
        st.save(out);
        var back = FewShotClassifier.load(out, enc.identity());
        assertEquals("selftrain:logistic", back.method().name());
        double[][] p = st.predictProba(enc, queries), q = back.predictProba(enc, queries);
        for (int i = 0; i < p.length; i++) assertArrayEquals(p[i], q[i], 0.0, "query " + i);
    }

    @Test
    void zeroShotUsesLabelDescriptions() {
        var enc = new FakeEncoder(Map.of("hot", new float[] {1, 0}, "cold", new float[] {0, 1}));
        var clf = FewShotClassifier.fitLabels(enc, "fake", List.of("hot", "cold"));
        assertEquals(List.of("hot", "cold"), clf.predict(enc, List.of("0.9,0.1", "0.2,0.8")));
    }

    @Test
    void ramlMovesPrototypesTowardsTheirUnlabelledNeighbours() {
        // support: a at 45 degrees, b at 79 degrees; pool: a cluster near 16 degrees and one near 77 degrees
        var x = m(new float[] {1, 1}, new float[] {0.2f, 1});
        var pool = m(new float[] {1, 0.3f}, new float[] {1, 0.25f}, new float[] {0.25f, 1}, new float[] {0.2f, 1});
        var s = new Support(x, new int[] {0, 1}, LabelIndex.of(List.of("a", "b")), null, pool, 0);
        var plain = (CosineHead) new PrototypeMethod().fit(s);
        var raml = (CosineHead) new RamlMethod(2, 1.0).fit(s);
        // a: support (1,1) plus pool (1,0.3) and (1,0.25) sum to (3,1.55): from 45 to 27.3 degrees
        double before = Math.toDegrees(Math.atan2(plain.prototypes()[0][1], plain.prototypes()[0][0]));
        double after = Math.toDegrees(Math.atan2(raml.prototypes()[0][1], raml.prototypes()[0][0]));
        assertEquals(45, before, 1e-4);
        assertEquals(Math.toDegrees(Math.atan2(1.55, 3)), after, 1e-4);
        // a query at 55 degrees: nearer a's support point (10 vs 24 degrees) but nearer b's refined prototype
        var q = m(new float[] {0.7f, 1});
        assertEquals(0, Softmax.argmax(plain.probabilities(q)[0]));
        assertEquals(1, Softmax.argmax(raml.probabilities(q)[0]));
    }

    @Test
    void badSupportSetsAreRejectedClearly() {
        var enc = new FakeEncoder();
        var e1 = assertThrows(IllegalArgumentException.class, () -> FewShotClassifier.fit(enc, "fake", new PrototypeMethod(),
                List.of("1,0", "0.5,0"), List.of("only", "only"), List.of(), 0));
        assertTrue(e1.getMessage().contains("single class 'only'"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> FewShotClassifier.fit(enc, "fake", new PrototypeMethod(),
                List.of("1,0", " "), List.of("a", "b"), List.of(), 0));
        assertTrue(e2.getMessage().contains("support example 1 has an empty text"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> LabelIndex.of(List.of("a", "b")).indexOf("c"));
        assertTrue(e3.getMessage().contains("'c'"), e3.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class, () -> FewShotMethods.get("magic"));
        assertTrue(e4.getMessage().contains("prototype, logistic"), e4.getMessage());
    }
}
