package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;
import dev.polymath.text.eval.LogisticRegression;

import java.util.Map;

/**
 * {@code logistic}: multinomial logistic regression on frozen embeddings (scikit-learn's L2, C = 1, lbfgs
 * objective), run to convergence (gradient max-norm 1e-6 or 1000 iterations) rather than scikit-learn's
 * default 100 iterations, because few-shot problems are small and REFERENCE.md's targets are converged fits.
 */
public final class LogisticMethod implements FewShotMethod {
    private final LogisticRegression.Options options;

    public LogisticMethod() {
        this(LogisticRegression.Options.defaults().withMaxIter(1000).withTol(1e-6));
    }

    public LogisticMethod(LogisticRegression.Options options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "logistic";
    }

    @Override
    public String description() {
        return "L2 logistic regression (C=1) on frozen embeddings, fitted to convergence";
    }

    @Override
    public FittedHead fit(Support s) {
        if (s.classes() < 2) throw new IllegalArgumentException("logistic needs at least 2 classes in the support set, got " + s.classes());
        var fitted = new Head(LogisticRegression.fit(s.embeddings(), s.labels(), s.classes(), options), options.c());
        // Serve the float32-rounded coefficients that a saved model holds, so save -> load predicts identically.
        return load(fitted.tensors(), fitted.settings());
    }

    @Override
    public FittedHead load(Map<String, FittedHead.Tensor> tensors, Map<String, Object> settings) {
        FittedHead.Tensor w = tensors.get("coefficients"), b = tensors.get("intercepts");
        if (w == null || b == null) throw new IllegalArgumentException("saved logistic head needs tensors 'coefficients' and 'intercepts'");
        int k = (int) w.shape()[0], d = (int) w.shape()[1];
        double[][] coef = new double[k][d];
        double[] icpt = new double[k];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) coef[c][j] = w.values()[c * d + j];
            icpt[c] = b.values()[c];
        }
        return new Head(LogisticRegression.of(coef, icpt), ((Number) settings.getOrDefault("C", 1.0)).doubleValue());
    }

    private record Head(LogisticRegression model, double c) implements FittedHead {
        @Override
        public double[][] probabilities(FloatMatrix queries) {
            return model.predictProba(queries);
        }

        @Override
        public Map<String, Tensor> tensors() {
            double[][] w = model.coefficients();
            double[] b = model.intercepts();
            int k = w.length, d = k == 0 ? 0 : w[0].length;
            float[] wf = new float[k * d], bf = new float[k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < d; j++) wf[i * d + j] = (float) w[i][j];
                bf[i] = (float) b[i];
            }
            return Map.of("coefficients", new Tensor(new long[] {k, d}, wf), "intercepts", new Tensor(new long[] {k}, bf));
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of("C", c);
        }
    }
}
