package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code meta}: with the identity projection it is {@code prototype}; a projection meta-trained on source classes
 * whose within-class noise lives in some dimensions learns to ignore them, and new (target) classes with the same
 * kind of noise become separable; the head saves and loads with its projection.
 */
class MetaMethodTest {
    @TempDir
    Path tmp;

    @Test
    void identityProjectionGivesThePrototypeMethodsPredictions() {
        var enc = new FakeEncoder();
        // unit vectors (the encoders normalize; the projection re-normalizes its outputs)
        var texts = List.of("1,0", "0.8,0.6", "0,1", "0.6,0.8", "-1,0", "-0.8,-0.6");
        var labels = List.of("east", "east", "north", "north", "west", "west");
        var queries = List.of("0.8,0.6", "-0.6,0.8", "-0.6,-0.8", "1,0");
        var proto = FewShotClassifier.fit(enc, "fake", new PrototypeMethod(), texts, labels, List.of(), 0);
        var meta = FewShotClassifier.fit(enc, "fake", MetaMethod.with(MetaProjection.identity(2)), texts, labels, List.of(), 0);
        assertEquals(proto.predict(enc, queries), meta.predict(enc, queries));
        for (int i = 0; i < queries.size(); i++) {
            assertArrayEquals(proto.predictProba(enc, queries)[i], meta.predictProba(enc, queries)[i], 1e-6);
        }
        Path dir = tmp.resolve("meta");
        meta.save(dir);
        var loaded = FewShotClassifier.load(dir, enc.identity());
        assertEquals("meta", loaded.method().name());
        for (int i = 0; i < queries.size(); i++) {
            assertArrayEquals(meta.predictProba(enc, queries)[i], loaded.predictProba(enc, queries)[i], 1e-12);
        }
    }

    @Test
    void theRegistryInstanceRefusesToFitWithoutAProjection() {
        var e = assertThrows(IllegalArgumentException.class, () -> FewShotClassifier.fit(new FakeEncoder(), "fake",
                FewShotMethods.get("meta"), List.of("1,0", "0,1"), List.of("a", "b"), List.of(), 0));
        assertTrue(e.getMessage().contains("meta-trained"), e.getMessage());
    }

    @Test
    void metaTrainingOnOtherClassesSuppressesNuisanceDimensionsForNewClasses() {
        int d = 8, signal = 4;
        var rnd = new SplittableRandom(3);
        // 30 source classes and 10 target classes: a random unit centre in dims 0..3, noise N(0, 0.9) in dims 4..7
        Toy source = toy(30, 20, d, signal, rnd), target = toy(10, 25, d, signal, rnd);
        var o = new MetaProjection.Options(5, 3, 3, 4, 150, 1e-2);
        var p = MetaProjection.train(source.x, source.y, "toy", o, 0, null);
        // target: 3 support examples per class, the rest queries
        double before = accuracy(target, MetaProjection.identity(d)), after = accuracy(target, p);
        assertTrue(after > before + 0.1, "meta-trained projection should help on new classes: " + before + " -> " + after);
        // and it is deterministic from the seed
        var again = MetaProjection.train(source.x, source.y, "toy", o, 0, null);
        assertArrayEquals(p.weight(), again.weight());
    }

    private record Toy(FloatMatrix x, int[] y) {}

    private static Toy toy(int classes, int per, int d, int signal, SplittableRandom rnd) {
        float[] data = new float[classes * per * d];
        int[] y = new int[classes * per];
        for (int c = 0; c < classes; c++) {
            double[] centre = new double[signal];
            double n = 0;
            for (int j = 0; j < signal; j++) { centre[j] = rnd.nextGaussian(); n += centre[j] * centre[j]; }
            for (int k = 0; k < per; k++) {
                int row = c * per + k;
                y[row] = c;
                for (int j = 0; j < signal; j++) data[row * d + j] = (float) (centre[j] / Math.sqrt(n) + 0.1 * rnd.nextGaussian());
                for (int j = signal; j < d; j++) data[row * d + j] = (float) (0.9 * rnd.nextGaussian());
            }
        }
        return new Toy(new FloatMatrix(classes * per, d, data), y);
    }

    private static double accuracy(Toy t, MetaProjection p) {
        int classes = t.y[t.y.length - 1] + 1, per = t.y.length / classes, shots = 3;
        var sup = new java.util.ArrayList<Integer>();
        var qry = new java.util.ArrayList<Integer>();
        for (int i = 0; i < t.y.length; i++) (i % per < shots ? sup : qry).add(i);
        var labels = new java.util.ArrayList<String>();
        for (int i : sup) labels.add("c" + t.y[i]);
        var index = LabelIndex.of(labels);
        var s = new Support(t.x.select(sup.stream().mapToInt(Integer::intValue).toArray()), index.indicesOf(labels), index, null, null, 0);
        var head = MetaMethod.with(p).fit(s);
        double[][] pr = head.probabilities(t.x.select(qry.stream().mapToInt(Integer::intValue).toArray()));
        int right = 0;
        for (int k = 0; k < qry.size(); k++) if (index.label(Softmax.argmax(pr[k])).equals("c" + t.y[qry.get(k)])) right++;
        return (double) right / qry.size();
    }
}
