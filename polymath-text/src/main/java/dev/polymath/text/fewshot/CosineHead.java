package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;

import java.util.Map;

/**
 * Nearest prototype by cosine similarity; probabilities are a softmax of {@code scale · cosine}. Shared by
 * the prototype, zero-shot and retrieval-augmented methods, which differ only in how prototypes are built.
 */
final class CosineHead implements FittedHead {
    private final float[][] prototypes;
    private final double scale;

    CosineHead(float[][] prototypes, double scale) {
        this.prototypes = prototypes;
        this.scale = scale;
    }

    static CosineHead load(Map<String, Tensor> tensors, Map<String, Object> settings) {
        Tensor t = tensors.get("prototypes");
        if (t == null) throw new IllegalArgumentException("saved head has no tensor 'prototypes'");
        Object s = settings.get("scale");
        if (!(s instanceof Number n)) throw new IllegalArgumentException("saved head has no numeric setting 'scale'");
        return new CosineHead(Prototypes.fromTensor(t), n.doubleValue());
    }

    @Override
    public double[][] probabilities(FloatMatrix queries) {
        double[][] out = new double[queries.rows()][];
        for (int i = 0; i < out.length; i++) out[i] = Softmax.of(Prototypes.cosines(queries, i, prototypes), scale);
        return out;
    }

    float[][] prototypes() {
        return prototypes;
    }

    double scale() {
        return scale;
    }

    @Override
    public Map<String, Tensor> tensors() {
        return Map.of("prototypes", Prototypes.tensor(prototypes));
    }

    @Override
    public Map<String, Object> settings() {
        return Map.of("scale", scale);
    }

    /**
     * Calibrates the softmax scale by leave-one-out on the support set: each example is scored against
     * prototypes rebuilt without it, and the scale with the lowest mean negative log-likelihood wins. With one
     * example per class nothing can be left out, and the default scale is kept.
     */
    static double calibrate(FloatMatrix x, int[] labels, int classes, double fallback) {
        int[] counts = new int[classes];
        for (int l : labels) counts[l]++;
        int d = x.cols();
        double[][] sums = new double[classes][d];
        for (int i = 0; i < labels.length; i++) for (int j = 0; j < d; j++) sums[labels[i]][j] += x.data()[i * d + j];
        float[][] protos = new float[classes][];
        for (int c = 0; c < classes; c++) protos[c] = Prototypes.unit(sums[c]);
        var cos = new java.util.ArrayList<double[]>();
        var gold = new java.util.ArrayList<Integer>();
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i];
            if (counts[y] < 2) continue;
            double[] without = sums[y].clone();
            for (int j = 0; j < d; j++) without[j] -= x.data()[i * d + j];
            float[][] p = protos.clone();
            p[y] = Prototypes.unit(without);
            cos.add(Prototypes.cosines(x, i, p));
            gold.add(y);
        }
        if (cos.isEmpty()) return fallback;
        double best = fallback, bestNll = Double.POSITIVE_INFINITY;
        for (double s : SCALES) {
            double nll = 0;
            for (int k = 0; k < cos.size(); k++) nll -= Math.log(Math.max(1e-300, Softmax.of(cos.get(k), s)[gold.get(k)]));
            if (nll < bestNll) { bestNll = nll; best = s; }
        }
        return best;
    }

    private static final double[] SCALES = {1, 2, 3, 5, 7, 10, 14, 20, 28, 40, 56, 80, 113, 160};
}
