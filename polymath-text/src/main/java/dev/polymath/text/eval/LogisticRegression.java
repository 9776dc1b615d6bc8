package dev.polymath.text.eval;

import dev.polymath.text.FloatMatrix;
import java.util.Arrays;

/**
 * Multinomial logistic regression with L2 regularization, fitted by L-BFGS: the same model and objective as
 * scikit-learn's {@code LogisticRegression(penalty="l2", C=C, solver="lbfgs", fit_intercept=True)} on a
 * multi-class problem (the symmetric softmax over all K classes, intercept not penalized).
 *
 * <p>Objective (scikit-learn's scaling for lbfgs since 1.1, same minimizer as {@code C·Σ loss + ½‖W‖²}):
 * <pre>
 *   f(W, b) = (1/n) Σ_i −log softmax(W x_i + b)[y_i]  +  (1 / (2·C·n)) ‖W‖²_F
 * </pre>
 * Optimizer: L-BFGS with 10 correction pairs from W = 0, b = 0 and a line search satisfying the strong Wolfe
 * conditions (c1 = 1e-4, c2 = 0.9, at most 50 evaluations). It stops, as scipy's L-BFGS-B does for
 * scikit-learn, when the largest gradient component is ≤ {@code tol} (1e-4), when the relative decrease of f
 * in one iteration is ≤ 64·machine-epsilon, or after {@code maxIter} iterations (scikit-learn's default 100,
 * also MTEB's; scikit-learn then warns that it did not converge, {@link #converged()} says so here).
 */
public final class LogisticRegression {
    /** Fit options; {@link #defaults()} are scikit-learn's defaults. */
    public record Options(double c, int maxIter, double tol) {
        public Options {
            if (!(c > 0)) throw new IllegalArgumentException("C must be > 0, got " + c);
            if (maxIter < 1) throw new IllegalArgumentException("maxIter must be >= 1, got " + maxIter);
            if (!(tol >= 0)) throw new IllegalArgumentException("tol must be >= 0, got " + tol);
        }

        public static Options defaults() { return new Options(1.0, 100, 1e-4); }
        public Options withC(double v) { return new Options(v, maxIter, tol); }
        public Options withMaxIter(int v) { return new Options(c, v, tol); }
        public Options withTol(double v) { return new Options(c, maxIter, v); }
    }

    private final int classes;
    private final int dim;
    private final double[] theta; // [W row-major K x D, b K]
    private final int iterations;
    private final boolean converged;
    private final double objective;
    private final double gradMax;

    private LogisticRegression(int classes, int dim, double[] theta, int iterations, boolean converged, double objective, double gradMax) {
        this.classes = classes;
        this.dim = dim;
        this.theta = theta;
        this.iterations = iterations;
        this.converged = converged;
        this.objective = objective;
        this.gradMax = gradMax;
    }

    /** Fits rows of {@code x} to labels {@code y} in [0, classes). Classes absent from y still get a row (never predicted). */
    public static LogisticRegression fit(FloatMatrix x, int[] y, int classes, Options options) {
        int n = x.rows(), d = x.cols();
        if (y.length != n) throw new IllegalArgumentException(n + " rows but " + y.length + " labels");
        if (n == 0) throw new IllegalArgumentException("no training examples");
        if (classes < 2) throw new IllegalArgumentException("need at least 2 classes, got " + classes);
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= classes) throw new IllegalArgumentException("label " + y[i] + " of row " + i + " is outside [0, " + classes + ")");
        }
        double[] xs = new double[n * d];
        for (int i = 0; i < xs.length; i++) xs[i] = x.data()[i];
        var problem = new Problem(xs, y, n, d, classes, 1.0 / (options.c() * n));
        return minimize(problem, options);
    }

    /** A model with the given coefficients (K x D) and intercepts (K), e.g. read back from a saved classifier. */
    public static LogisticRegression of(double[][] coefficients, double[] intercepts) {
        int k = coefficients.length, d = k == 0 ? 0 : coefficients[0].length;
        if (intercepts.length != k) throw new IllegalArgumentException(k + " coefficient rows but " + intercepts.length + " intercepts");
        double[] theta = new double[k * d + k];
        for (int c = 0; c < k; c++) {
            if (coefficients[c].length != d) throw new IllegalArgumentException("coefficient row " + c + " has " + coefficients[c].length + " columns, expected " + d);
            System.arraycopy(coefficients[c], 0, theta, c * d, d);
            theta[k * d + c] = intercepts[c];
        }
        return new LogisticRegression(k, d, theta, 0, true, Double.NaN, Double.NaN);
    }

    public static LogisticRegression fit(FloatMatrix x, int[] y, int classes) {
        return fit(x, y, classes, Options.defaults());
    }

    /** The loss, its gradient and the data. */
    static final class Problem {
        final double[] x;
        final int[] y;
        final int n, d, k;
        final double lambda;

        Problem(double[] x, int[] y, int n, int d, int k, double lambda) {
            this.x = x; this.y = y; this.n = n; this.d = d; this.k = k; this.lambda = lambda;
        }

        int size() { return k * d + k; }

        /** f(theta); writes the gradient into {@code g}. */
        double valueAndGradient(double[] theta, double[] g) {
            Arrays.fill(g, 0);
            double loss = 0;
            double[] s = new double[k];
            int bOff = k * d;
            for (int i = 0; i < n; i++) {
                int xo = i * d;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    double v = theta[bOff + c] + dot(theta, c * d, x, xo, d);
                    s[c] = v;
                    if (v > max) max = v;
                }
                double sum = 0;
                for (int c = 0; c < k; c++) { s[c] = Math.exp(s[c] - max); sum += s[c]; }
                double lse = max + Math.log(sum);
                // loss_i = lse - score[y]; recover score[y] = log(s[y]) + max
                loss += lse - (Math.log(s[y[i]]) + max);
                for (int c = 0; c < k; c++) {
                    double r = s[c] / sum - (c == y[i] ? 1 : 0);
                    if (r == 0) continue;
                    g[bOff + c] += r;
                    int wo = c * d;
                    for (int j = 0; j < d; j++) g[wo + j] += r * x[xo + j];
                }
            }
            double invN = 1.0 / n;
            for (int t = 0; t < g.length; t++) g[t] *= invN;
            double reg = 0;
            for (int t = 0; t < bOff; t++) {
                reg += theta[t] * theta[t];
                g[t] += lambda * theta[t];
            }
            return loss * invN + 0.5 * lambda * reg;
        }
    }

    private static LogisticRegression minimize(Problem p, Options o) {
        final int m = 10;
        int size = p.size();
        double[] x = new double[size];
        double[] g = new double[size];
        double f = p.valueAndGradient(x, g);
        double[][] sHist = new double[m][], yHist = new double[m][];
        double[] rho = new double[m];
        int histLen = 0, histStart = 0;
        int iter = 0;
        boolean converged = maxAbs(g) <= o.tol();
        double[] dir = new double[size];
        double[] xNew = new double[size];
        double[] gNew = new double[size];
        while (!converged && iter < o.maxIter()) {
            // two-loop recursion: dir = -H g
            System.arraycopy(g, 0, dir, 0, size);
            double[] alpha = new double[m];
            for (int h = histLen - 1; h >= 0; h--) {
                int idx = (histStart + h) % m;
                alpha[idx] = rho[idx] * dot(sHist[idx], dir);
                axpy(-alpha[idx], yHist[idx], dir);
            }
            if (histLen > 0) {
                int last = (histStart + histLen - 1) % m;
                double gamma = dot(sHist[last], yHist[last]) / dot(yHist[last], yHist[last]);
                scale(dir, gamma);
            }
            for (int h = 0; h < histLen; h++) {
                int idx = (histStart + h) % m;
                double beta = rho[idx] * dot(yHist[idx], dir);
                axpy(alpha[idx] - beta, sHist[idx], dir);
            }
            scale(dir, -1);
            double dg = dot(dir, g);
            if (dg >= 0) { // not a descent direction: restart from steepest descent
                histLen = 0;
                for (int t = 0; t < size; t++) dir[t] = -g[t];
                dg = dot(dir, g);
            }
            double step0 = iter == 0 && histLen == 0 ? Math.min(1.0, 1.0 / Math.sqrt(dot(dir, dir))) : 1.0;
            double[] fOut = new double[1];
            double step = lineSearch(p, x, f, g, dir, dg, step0, xNew, gNew, fOut);
            if (step == 0) break; // line search failed: no further progress possible
            double fNew = fOut[0];
            double[] s = new double[size], y = new double[size];
            for (int t = 0; t < size; t++) { s[t] = xNew[t] - x[t]; y[t] = gNew[t] - g[t]; }
            double sy = dot(s, y);
            if (sy > 1e-10 * Math.sqrt(dot(s, s) * dot(y, y))) {
                int idx;
                if (histLen < m) { idx = (histStart + histLen) % m; histLen++; }
                else { idx = histStart; histStart = (histStart + 1) % m; }
                sHist[idx] = s; yHist[idx] = y; rho[idx] = 1.0 / sy;
            }
            System.arraycopy(xNew, 0, x, 0, size);
            System.arraycopy(gNew, 0, g, 0, size);
            iter++;
            double rel = (f - fNew) / Math.max(Math.max(Math.abs(f), Math.abs(fNew)), 1.0);
            f = fNew;
            if (maxAbs(g) <= o.tol() || rel <= 64 * Math.ulp(1.0)) converged = true;
        }
        return new LogisticRegression(p.k, p.d, x, iter, converged, f, maxAbs(g));
    }

    /**
     * Strong-Wolfe line search (Nocedal &amp; Wright, algorithms 3.5 and 3.6; zoom by safeguarded cubic
     * interpolation). Leaves the accepted point in {@code xOut}/{@code gOut}, its value in {@code fOut[0]};
     * returns the step, or 0 when no step with sufficient decrease was found.
     */
    private static double lineSearch(Problem p, double[] x, double f0, double[] g0, double[] dir, double dg0, double step0,
                                     double[] xOut, double[] gOut, double[] fOut) {
        final double c1 = 1e-4, c2 = 0.9;
        final int maxEval = 50;
        double aPrev = 0, fPrev = f0, dgPrev = dg0, a = step0;
        int evals = 0;
        double lo, fLo, dgLo, hi, fHi, dgHi;
        while (true) {
            double f = evalAt(p, x, dir, a, xOut, gOut);
            evals++;
            double dg = dot(gOut, dir);
            if (f > f0 + c1 * a * dg0 || (evals > 1 && f >= fPrev)) {
                lo = aPrev; fLo = fPrev; dgLo = dgPrev; hi = a; fHi = f; dgHi = dg;
                break;
            }
            if (Math.abs(dg) <= -c2 * dg0) { fOut[0] = f; return a; }
            if (dg >= 0) {
                lo = a; fLo = f; dgLo = dg; hi = aPrev; fHi = fPrev; dgHi = dgPrev;
                break;
            }
            if (evals >= maxEval) { fOut[0] = f; return a; } // still descending: accept
            aPrev = a; fPrev = f; dgPrev = dg;
            a *= 2;
        }
        while (evals < maxEval && Math.abs(hi - lo) > 1e-16 * Math.max(1, Math.abs(lo))) {
            double left = Math.min(lo, hi), width = Math.abs(hi - lo);
            double trial = cubicMinimizer(lo, fLo, dgLo, hi, fHi, dgHi);
            if (!(trial > left + 0.1 * width && trial < left + 0.9 * width)) trial = 0.5 * (lo + hi);
            double f = evalAt(p, x, dir, trial, xOut, gOut);
            evals++;
            double dg = dot(gOut, dir);
            if (f > f0 + c1 * trial * dg0 || f >= fLo) {
                hi = trial; fHi = f; dgHi = dg;
            } else {
                if (Math.abs(dg) <= -c2 * dg0) { fOut[0] = f; return trial; }
                if (dg * (hi - lo) >= 0) { hi = lo; fHi = fLo; dgHi = dgLo; }
                lo = trial; fLo = f; dgLo = dg;
            }
        }
        if (lo > 0) { // sufficient decrease holds at lo, the curvature condition did not: take it anyway
            fOut[0] = evalAt(p, x, dir, lo, xOut, gOut);
            return lo;
        }
        return 0;
    }

    /** Minimizer of the cubic through (a, fa, da) and (b, fb, db); NaN when it has none. */
    private static double cubicMinimizer(double a, double fa, double da, double b, double fb, double db) {
        double d1 = da + db - 3 * (fa - fb) / (a - b);
        double disc = d1 * d1 - da * db;
        if (!(disc >= 0)) return Double.NaN;
        double d2 = Math.signum(b - a) * Math.sqrt(disc);
        return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
    }

    private static double evalAt(Problem p, double[] x, double[] dir, double step, double[] xOut, double[] gOut) {
        for (int t = 0; t < x.length; t++) xOut[t] = x[t] + step * dir[t];
        return p.valueAndGradient(xOut, gOut);
    }

    /** Dot product of a[ao..ao+n) and b[bo..bo+n) with four accumulators (the JIT does not vectorize FP sums). */
    static double dot(double[] a, int ao, double[] b, int bo, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += a[ao + j] * b[bo + j];
            s1 += a[ao + j + 1] * b[bo + j + 1];
            s2 += a[ao + j + 2] * b[bo + j + 2];
            s3 += a[ao + j + 3] * b[bo + j + 3];
        }
        for (; j < n; j++) s0 += a[ao + j] * b[bo + j];
        return (s0 + s1) + (s2 + s3);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += a * x[i];
    }

    private static void scale(double[] x, double a) {
        for (int i = 0; i < x.length; i++) x[i] *= a;
    }

    private static double maxAbs(double[] g) {
        double m = 0;
        for (double v : g) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** Class scores W x + b for each row. */
    public double[][] decisionFunction(FloatMatrix x) {
        if (x.cols() != dim) throw new IllegalArgumentException("rows have " + x.cols() + " features, model has " + dim);
        double[][] out = new double[x.rows()][classes];
        int bOff = classes * dim;
        for (int i = 0; i < x.rows(); i++) {
            int xo = i * dim;
            for (int c = 0; c < classes; c++) {
                double v = theta[bOff + c];
                int wo = c * dim;
                for (int j = 0; j < dim; j++) v += theta[wo + j] * x.data()[xo + j];
                out[i][c] = v;
            }
        }
        return out;
    }

    /** Softmax probabilities per row. */
    public double[][] predictProba(FloatMatrix x) {
        double[][] s = decisionFunction(x);
        for (double[] row : s) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : row) max = Math.max(max, v);
            double sum = 0;
            for (int c = 0; c < row.length; c++) { row[c] = Math.exp(row[c] - max); sum += row[c]; }
            for (int c = 0; c < row.length; c++) row[c] /= sum;
        }
        return s;
    }

    /** The arg-max class per row (lowest index on ties, as numpy's argmax). */
    public int[] predict(FloatMatrix x) {
        double[][] s = decisionFunction(x);
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) if (s[i][c] > s[i][best]) best = c;
            out[i] = best;
        }
        return out;
    }

    /** Coefficients [class][feature] (a copy). */
    public double[][] coefficients() {
        double[][] w = new double[classes][];
        for (int c = 0; c < classes; c++) w[c] = Arrays.copyOfRange(theta, c * dim, (c + 1) * dim);
        return w;
    }

    /** Intercepts per class (a copy). */
    public double[] intercepts() {
        return Arrays.copyOfRange(theta, classes * dim, classes * dim + classes);
    }

    public int classes() { return classes; }
    public int features() { return dim; }
    /** L-BFGS iterations run. */
    public int iterations() { return iterations; }
    /** Whether a stopping test other than the iteration limit was met. */
    public boolean converged() { return converged; }
    /** Final value of the objective in the class comment. */
    public double objective() { return objective; }
    /** Largest absolute gradient component at the end. */
    public double gradientMaxAbs() { return gradMax; }
}
