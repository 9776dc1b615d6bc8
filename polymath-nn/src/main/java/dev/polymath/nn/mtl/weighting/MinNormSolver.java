package dev.polymath.nn.mtl.weighting;

/**
 * The min-norm-element solver of MGDA (Sener &amp; Koltun, "Multi-Task Learning as Multi-Objective
 * Optimization", NeurIPS 2018): finds {@code alpha} in the simplex minimising {@code || sum_t alpha_t g_t ||^2}
 * from the Gram matrix only. Same algorithm and constants as the official code and LibMTL: the best pair by
 * the two-point line search (clipped to [0.001, 0.999]) as the start, exact for T = 2; for T &gt;= 3 up to
 * 250 iterations of the projected-gradient/line-search update, stopping when the L1 change is below 1e-5.
 */
public final class MinNormSolver {
    static final int MAX_ITER = 250;
    static final double STOP_CRIT = 1e-5;

    private MinNormSolver() {}

    /** {@code {gamma, cost}}: min over gamma of ||gamma v1 + (1 - gamma) v2||^2, with the reference's clipping. */
    static double[] minNormElementFrom2(double v1v1, double v1v2, double v2v2) {
        if (v1v2 >= v1v1) return new double[] {0.999, v1v1};
        if (v1v2 >= v2v2) return new double[] {0.001, v2v2};
        double gamma = -1.0 * ((v1v2 - v2v2) / (v1v1 + v2v2 - 2 * v1v2));
        double cost = v2v2 + gamma * (v1v2 - v2v2);
        return new double[] {gamma, cost};
    }

    /** The min-norm weights for the Gram matrix {@code gram}. */
    public static double[] solve(double[][] gram) {
        int n = gram.length;
        if (n == 1) return new double[] {1.0};
        // best pair (the reference starts from dmin = 1e8; +inf only differs for gigantic gradients)
        double dmin = Double.POSITIVE_INFINITY;
        int bi = 0, bj = 1;
        double bc = 0.5;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double[] cd = minNormElementFrom2(gram[i][i], gram[i][j], gram[j][j]);
                if (cd[1] < dmin) {
                    dmin = cd[1];
                    bi = i;
                    bj = j;
                    bc = cd[0];
                }
            }
        }
        double[] sol = new double[n];
        sol[bi] = bc;
        sol[bj] = 1 - bc;
        if (n < 3) return sol;

        for (int iter = 0; iter < MAX_ITER; iter++) {
            double[] gradDir = GradMath.mul(gram, sol);
            for (int i = 0; i < n; i++) gradDir[i] = -gradDir[i];
            double[] newPoint = nextPoint(sol, gradDir, n);
            double v1v1 = GradMath.quad(sol, gram, sol);
            double v1v2 = GradMath.quad(sol, gram, newPoint);
            double v2v2 = GradMath.quad(newPoint, gram, newPoint);
            double nc = minNormElementFrom2(v1v1, v1v2, v2v2)[0];
            double change = 0;
            double[] newSol = new double[n];
            for (int i = 0; i < n; i++) {
                newSol[i] = nc * sol[i] + (1 - nc) * newPoint[i];
                change += Math.abs(newSol[i] - sol[i]);
            }
            if (change < STOP_CRIT) return sol;
            sol = newSol;
        }
        return sol;
    }

    private static double[] nextPoint(double[] cur, double[] grad, int n) {
        double mean = 0;
        for (double g : grad) mean += g;
        mean /= n;
        double[] proj = new double[n];
        for (int i = 0; i < n; i++) proj[i] = grad[i] - mean;
        double t = 1;
        double min1 = Double.POSITIVE_INFINITY, min2 = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (proj[i] < 0) {
                double tm1 = -cur[i] / proj[i];
                if (tm1 > 1e-7) min1 = Math.min(min1, tm1);
            } else if (proj[i] > 0) {
                double tm2 = (1.0 - cur[i]) / proj[i];
                if (tm2 > 1e-7) min2 = Math.min(min2, tm2);
            }
        }
        if (min1 < Double.POSITIVE_INFINITY) t = min1;
        if (min2 < Double.POSITIVE_INFINITY) t = Math.min(t, min2);
        double[] next = new double[n];
        for (int i = 0; i < n; i++) next[i] = proj[i] * t + cur[i];
        return projection2simplex(next);
    }

    /** The reference's simplex projection (sorted threshold search). */
    static double[] projection2simplex(double[] y) {
        int m = y.length;
        double[] sorted = y.clone();
        java.util.Arrays.sort(sorted);
        // descending order
        for (int i = 0; i < m / 2; i++) {
            double tmp = sorted[i]; sorted[i] = sorted[m - 1 - i]; sorted[m - 1 - i] = tmp;
        }
        double sum = 0;
        for (double v : y) sum += v;
        double tmpsum = 0;
        double tmaxF = (sum - 1.0) / m;
        for (int i = 0; i < m - 1; i++) {
            tmpsum += sorted[i];
            double tmax = (tmpsum - 1) / (i + 1.0);
            if (tmax > sorted[i + 1]) {
                tmaxF = tmax;
                break;
            }
        }
        double[] out = new double[m];
        for (int i = 0; i < m; i++) out[i] = Math.max(y[i] - tmaxF, 0);
        return out;
    }
}
