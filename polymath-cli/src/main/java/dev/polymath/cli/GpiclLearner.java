package dev.polymath.cli;

import dev.polymath.core.util.Seeds;
import dev.polymath.icl.learner.InContextLearner;
import dev.polymath.nn.meta.icl.InContextClassifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The meta-trained GPICL transformer ({@link InContextClassifier}, polymath-nn) as an {@link InContextLearner}
 * over sentence embeddings. Inputs are prepared as its training inputs were: centred per feature, divided by one
 * global RMS scale (statistics of the dataset's embeddings), then projected by a seeded {@code A ~ N(0, 1/P)}
 * of shape [P, input_dim] — a projection the model never saw, as in its held-out evaluations. When the model
 * knows more labels than the task has, only the task's labels compete (renormalized).
 */
final class GpiclLearner implements InContextLearner, AutoCloseable {
    static final String NAME = "gpicl";
    private final InContextClassifier model;
    private final float[] mean;
    private final float scale;
    private final float[] projection; // [P, D] row-major
    private final int p, d;
    private final int batchSize;

    GpiclLearner(Path dir, float[][] embeddings, long seed) {
        this(dir, embeddings, seed, InContextClassifier.BATCH);
    }

    /** @param batchSize prompts per forward pass at most (1: one at a time, as before batching) */
    GpiclLearner(Path dir, float[][] embeddings, long seed, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("gpicl batch size must be >= 1, got " + batchSize);
        if (embeddings.length == 0) throw new IllegalArgumentException("gpicl learner needs the dataset's embeddings for its input statistics, got none");
        this.batchSize = batchSize;
        this.model = InContextClassifier.load(dir);
        this.p = embeddings[0].length;
        this.d = model.config().inputDim();
        mean = new float[p];
        for (float[] e : embeddings) for (int j = 0; j < p; j++) mean[j] += e[j] / (float) embeddings.length;
        double sq = 0;
        for (float[] e : embeddings) for (int j = 0; j < p; j++) sq += (double) (e[j] - mean[j]) * (e[j] - mean[j]);
        scale = (float) Math.max(1e-6, Math.sqrt(sq / ((double) embeddings.length * p)));
        projection = new float[p * d];
        SplittableRandom rng = Seeds.stream(seed, "icl/gpicl-learner/projection");
        double sd = 1 / Math.sqrt(p);
        for (int i = 0; i < projection.length; i++) projection[i] = (float) (rng.nextGaussian() * sd);
    }

    @Override
    public String name() {
        return NAME;
    }

    private float[] prepare(float[] v) {
        if (v.length != p) throw new IllegalArgumentException("gpicl learner was set up for " + p + "-dimensional embeddings, got " + v.length);
        float[] out = new float[d];
        for (int j = 0; j < p; j++) {
            float x = (v[j] - mean[j]) / scale;
            int o = j * d;
            for (int k = 0; k < d; k++) out[k] += x * projection[o + k];
        }
        return out;
    }

    @Override
    public double[] logProbs(Prompt prompt, int numLabels) {
        return logProbs(List.of(prompt), numLabels).get(0);
    }

    /** All prompts through {@link InContextClassifier#probabilities(List, int)}: equal lengths share forward passes. */
    @Override
    public List<double[]> logProbs(List<Prompt> prompts, int numLabels) {
        int labels = model.config().labels();
        if (numLabels > labels) throw new IllegalArgumentException("the gpicl model knows " + labels + " labels; tasks with " + numLabels + " need another model (--ways <= " + labels + ")");
        var prepared = new IdentityHashMap<float[], float[]>(); // demonstrations recur across prompts
        var batch = new ArrayList<InContextClassifier.Prompt>(prompts.size());
        for (Prompt prompt : prompts) {
            InContextLearner.checkLabels(prompt, numLabels);
            float[][] x = new float[prompt.demos().length][];
            for (int i = 0; i < x.length; i++) x[i] = prepared.computeIfAbsent(prompt.demos()[i], this::prepare);
            batch.add(new InContextClassifier.Prompt(x, prompt.labels(), prepared.computeIfAbsent(prompt.query(), this::prepare)));
        }
        float[][] probs = model.probabilities(batch, batchSize);
        var out = new ArrayList<double[]>(probs.length);
        for (float[] p : probs) {
            double z = 0;
            for (int c = 0; c < numLabels; c++) z += p[c];
            double[] lp = new double[numLabels];
            for (int c = 0; c < numLabels; c++) lp[c] = Math.log(Math.max(p[c], 1e-30) / Math.max(z, 1e-30));
            out.add(lp);
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
