package dev.polymath.cli;

import dev.polymath.core.util.Seeds;
import dev.polymath.icl.learner.InContextLearner;
import dev.polymath.nn.meta.icl.InContextClassifier;

import java.nio.file.Path;
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

    GpiclLearner(Path dir, float[][] embeddings, long seed) {
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
        InContextLearner.checkLabels(prompt, numLabels);
        int labels = model.config().labels();
        if (numLabels > labels) throw new IllegalArgumentException("the gpicl model knows " + labels + " labels; tasks with " + numLabels + " need another model (--ways <= " + labels + ")");
        float[][] x = new float[prompt.demos().length][];
        for (int i = 0; i < x.length; i++) x[i] = prepare(prompt.demos()[i]);
        float[] probs = model.probabilities(x, prompt.labels(), new float[][]{prepare(prompt.query())})[0];
        double z = 0;
        for (int c = 0; c < numLabels; c++) z += probs[c];
        double[] out = new double[numLabels];
        for (int c = 0; c < numLabels; c++) out[c] = Math.log(Math.max(probs[c], 1e-30) / Math.max(z, 1e-30));
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
