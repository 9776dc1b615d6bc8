package dev.polymath.nn.mtl.weighting;

/** Small dense linear algebra on T x T matrices (T is the number of tasks, 2..10). */
public final class SmallLinalg {
    private SmallLinalg() {}

    /** Eigen-decomposition of a symmetric matrix. */
    public record Eigen(double[] values, double[][] vectors) {
        /** Column {@code k} of {@link #vectors} is the eigenvector of {@code values[k]}. */
        public double vector(int row, int k) {
            return vectors[row][k];
        }
    }

    /** Cyclic Jacobi eigenvalue algorithm for a symmetric matrix (input untouched); values unsorted. */
    public static Eigen symmetricEigen(double[][] matrix) {
        int n = matrix.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = matrix[i].clone();
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) v[i][i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0, total = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    total += a[i][j] * a[i][j];
                    if (i != j) off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-30 * total || off == 0) break;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (apq == 0) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i][i];
        return new Eigen(values, v);
    }

    /** Solves {@code A x = b} by Gaussian elimination with partial pivoting; null if A is singular. */
    public static double[] solve(double[][] matrix, double[] rhs) {
        int n = rhs.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = matrix[i].clone();
        double[] b = rhs.clone();
        double scale = 0;
        for (double[] row : a) for (double x : row) scale = Math.max(scale, Math.abs(x));
        if (scale == 0) return null;
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
            if (Math.abs(a[piv][col]) <= 1e-300 || Math.abs(a[piv][col]) < 1e-14 * scale) return null;
            double[] tr = a[piv]; a[piv] = a[col]; a[col] = tr;
            double tb = b[piv]; b[piv] = b[col]; b[col] = tb;
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                if (f == 0) continue;
                for (int k = col; k < n; k++) a[r][k] -= f * a[col][k];
                b[r] -= f * b[col];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) s -= a[r][k] * x[k];
            x[r] = s / a[r][r];
        }
        return x;
    }

    /** Euclidean projection onto the probability simplex (sort-based, Held/Wolfe/Crowder; Duchi et al. 2008). */
    public static double[] projectToSimplex(double[] y) {
        int n = y.length;
        double[] u = y.clone();
        java.util.Arrays.sort(u);
        double cum = 0, theta = 0;
        for (int k = n - 1; k >= 0; k--) {
            cum += u[k];
            double t = (cum - 1) / (n - k);
            if (k == 0 || u[k - 1] <= t) {
                theta = t;
                break;
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.max(y[i] - theta, 0);
        return x;
    }
}
