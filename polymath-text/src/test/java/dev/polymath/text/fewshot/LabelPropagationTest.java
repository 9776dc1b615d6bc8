package dev.polymath.text.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.polymath.text.FloatMatrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelPropagationTest {

    private static FloatMatrix rows(float[]... r) {
        return FloatMatrix.ofRows(java.util.List.of(r), r[0].length);
    }

    @Test
    void twoNodesMixAsTheClosedFormSays() {
        // k = 1 joins the two; S = [[0, 1], [1, 0]] whatever the weight, so F* = (1 - a)(I - aS)^-1 Y: row 0 is (1, a) / (1 + a)
        var x = rows(new float[] {1, 0}, new float[] {0.6f, 0.8f});
        double[][] prior = {{1, 0}, {0, 1}};
        double[][] once = new LabelPropagation(1, 0.5, 1).spread(x, prior);
        assertArrayEquals(new double[] {0.5, 0.5}, once[0], 1e-12); // a S Y + (1 - a) Y
        double[][] settled = new LabelPropagation(1, 0.5, 200).spread(x, prior);
        assertArrayEquals(new double[] {2 / 3.0, 1 / 3.0}, settled[0], 1e-9);
        assertArrayEquals(new double[] {1 / 3.0, 2 / 3.0}, settled[1], 1e-9);
        assertArrayEquals(new double[] {1, 0}, prior[0], 0); // the prior is not touched
    }

    @Test
    void matchesADenseReferenceOfTheSameGraph() {
        var rnd = new Random(3);
        int n = 30, d = 8, classes = 3, k = 4;
        float[][] x = new float[n][d];
        double[][] prior = new double[n][classes];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < d; j++) norm += (x[i][j] = (float) rnd.nextGaussian()) * x[i][j];
            for (int j = 0; j < d; j++) x[i][j] /= (float) Math.sqrt(norm);
            for (int c = 0; c < classes; c++) prior[i][c] = rnd.nextDouble();
        }
        // W + W^T over each row's k most similar others, weights max(0, cos)^3, D^-1/2 W D^-1/2, then 20 dense updates
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) {
            double[] cos = new double[n];
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
                for (int t = 0; t < d; t++) cos[j] += x[i][t] * x[j][t];
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(cos[b], cos[a]));
            int taken = 0;
            for (int m = 0; taken < k; m++) {
                int j = order[m];
                if (j == i) continue;
                double v = Math.pow(Math.max(0, cos[j]), 3);
                w[i][j] += v;
                w[j][i] += v;
                taken++;
            }
        }
        double[] deg = new double[n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) deg[i] += w[i][j];
        double a = 0.8;
        double[][] f = new double[n][];
        for (int i = 0; i < n; i++) f[i] = prior[i].clone();
        for (int t = 0; t < 20; t++) {
            double[][] next = new double[n][classes];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (w[i][j] == 0) continue;
                    double s = w[i][j] / Math.sqrt(deg[i] * deg[j]);
                    for (int c = 0; c < classes; c++) next[i][c] += a * s * f[j][c];
                }
                for (int c = 0; c < classes; c++) next[i][c] += (1 - a) * prior[i][c];
            }
            f = next;
        }
        double[][] got = new LabelPropagation(k, a, 20).spread(FloatMatrix.ofRows(java.util.List.of(x), d), prior);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (double v : f[i]) sum += v;
            for (int c = 0; c < classes; c++) assertEquals(f[i][c] / sum, got[i][c], 1e-5, "row " + i + " class " + c);
        }
    }

    @Test
    void aLoneMistakeAmongItsNeighboursIsOutvoted() {
        // two tight clusters; one text of the first is confidently given the second's class
        var x = new java.util.ArrayList<float[]>();
        double[][] prior = new double[8][];
        for (int i = 0; i < 8; i++) {
            double angle = (i < 4 ? 0 : Math.PI / 2) + 0.05 * (i % 4);
            x.add(new float[] {(float) Math.cos(angle), (float) Math.sin(angle)});
            prior[i] = i < 4 ? new double[] {0.9, 0.1} : new double[] {0.1, 0.9};
        }
        prior[2] = new double[] {0.05, 0.95};
        double[][] f = new LabelPropagation(3, 0.9, 60).spread(FloatMatrix.ofRows(x, 2), prior);
        for (int i = 0; i < 8; i++) assertEquals(i < 4 ? 0 : 1, Softmax.argmax(f[i]), "text " + i + ": " + java.util.Arrays.toString(f[i]));
    }

    @Test
    void offOrAloneThePriorIsOnlyNormalized() {
        var x = rows(new float[] {1, 0}, new float[] {0, 1});
        double[][] prior = {{2, 2}, {1, 3}};
        assertArrayEquals(new double[] {0.25, 0.75}, LabelPropagation.OFF.spread(x, prior)[1], 0);
        assertArrayEquals(new double[] {0.5, 0.5}, new LabelPropagation(5, 0.9, 10).spread(rows(new float[] {1, 0}), new double[][] {{2, 2}})[0], 0);
        assertEquals(LabelPropagation.OFF, LabelPropagation.of(0, 0.99));
        assertEquals(new LabelPropagation(10, 0.99, LabelPropagation.ITERATIONS), LabelPropagation.of(10, 0.99));
    }

    @Test
    void badInputNamesWhatIsWrong() {
        var x = rows(new float[] {1, 0}, new float[] {0, 1});
        var lp = new LabelPropagation(1, 0.5, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> lp.spread(x, new double[][] {{1, 0}}));
        assertTrue(e.getMessage().contains("2 embeddings but 1 prior rows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lp.spread(x, new double[][] {{1, 0}, {1}}));
        assertTrue(e.getMessage().contains("prior row 1 has 1 classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lp.spread(x, new double[][] {{1, 0}, {Double.NaN, 1}}));
        assertTrue(e.getMessage().contains("prior row 1 has NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lp.spread(x, new double[][] {{1, 0}, {0, 0}}));
        assertTrue(e.getMessage().contains("prior row 1 is all zero"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LabelPropagation(-1, 0.5, 3));
        assertThrows(IllegalArgumentException.class, () -> new LabelPropagation(5, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> new LabelPropagation(5, 0.5, 0));
    }
}
