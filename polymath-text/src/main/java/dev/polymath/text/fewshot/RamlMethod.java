package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;

import java.util.Map;

/**
 * {@code raml}: retrieval-augmented prototypes, in the spirit of retrieval-augmented meta-learning. Each class
 * prototype is refined with its nearest neighbours from an unlabelled pool: a pool text joins class c when c
 * is its nearest prototype and it is among the {@code neighbours} pool texts closest to that prototype; the
 * refined prototype is the mean of the support examples plus the retrieved texts, each retrieved text
 * weighted {@code weight} relative to a labelled one. Without a pool it equals {@code prototype}.
 */
public final class RamlMethod implements FewShotMethod {
    private final int neighbours;
    private final double weight;

    public RamlMethod() {
        this(5, 0.5);
    }

    public RamlMethod(int neighbours, double weight) {
        if (neighbours < 0) throw new IllegalArgumentException("neighbours must be >= 0, got " + neighbours);
        if (!(weight >= 0)) throw new IllegalArgumentException("weight must be >= 0, got " + weight);
        this.neighbours = neighbours;
        this.weight = weight;
    }

    @Override
    public String name() {
        return "raml";
    }

    @Override
    public String description() {
        return "prototypes refined with their nearest unlabelled neighbours (retrieval-augmented)";
    }

    @Override
    public boolean usesPool() {
        return true;
    }

    @Override
    public FittedHead fit(Support s) {
        FloatMatrix x = s.embeddings();
        int k = s.classes(), d = x.cols();
        float[][] protos = Prototypes.means(x, s.labels(), k);
        double scale = CosineHead.calibrate(x, s.labels(), k, PrototypeMethod.DEFAULT_SCALE);
        FloatMatrix pool = s.pool();
        if (pool == null || pool.rows() == 0 || neighbours == 0) return new CosineHead(protos, scale);
        // nearest prototype of every pool text, and its cosine
        int[] owner = new int[pool.rows()];
        double[] sim = new double[pool.rows()];
        for (int i = 0; i < pool.rows(); i++) {
            double[] c = Prototypes.cosines(pool, i, protos);
            owner[i] = Softmax.argmax(c);
            sim[i] = c[owner[i]];
        }
        double[][] sums = new double[k][d];
        double[] mass = new double[k];
        for (int i = 0; i < s.size(); i++) {
            for (int j = 0; j < d; j++) sums[s.labels()[i]][j] += x.data()[i * d + j];
            mass[s.labels()[i]] += 1;
        }
        for (int c = 0; c < k; c++) {
            // the `neighbours` most similar pool texts owned by class c
            final int cls = c;
            int[] chosen = java.util.stream.IntStream.range(0, pool.rows()).filter(i -> owner[i] == cls).boxed()
                    .sorted((a, b) -> Double.compare(sim[b], sim[a])).limit(neighbours).mapToInt(Integer::intValue).toArray();
            for (int i : chosen) {
                for (int j = 0; j < d; j++) sums[c][j] += weight * pool.data()[i * d + j];
                mass[c] += weight;
            }
        }
        float[][] refined = new float[k][];
        for (int c = 0; c < k; c++) refined[c] = Prototypes.unit(sums[c]);
        return new CosineHead(refined, scale);
    }

    @Override
    public FittedHead load(Map<String, FittedHead.Tensor> tensors, Map<String, Object> settings) {
        return CosineHead.load(tensors, settings);
    }
}
