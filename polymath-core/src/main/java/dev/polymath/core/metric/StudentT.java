package dev.polymath.core.metric;

/**
 * Student's t distribution: CDF and quantile for real degrees of freedom ν > 0.
 *
 * <p>The tail probability P(T > t) = ½ · I_{ν/(ν+t²)}(ν/2, ½) uses the regularized incomplete beta function
 * I_x(a, b), evaluated by its continued fraction (modified Lentz) with ln Γ from the Lanczos approximation;
 * the quantile inverts the tail by bisection to about 1e-12 relative accuracy.
 */
public final class StudentT {
    private StudentT() {}

    /** P(T ≤ t) for ν degrees of freedom. */
    public static double cdf(double t, double df) {
        checkDf(df);
        if (Double.isNaN(t)) throw new IllegalArgumentException("t cdf: t is NaN");
        double upper = upperTail(Math.abs(t), df);
        return t >= 0 ? 1.0 - upper : upper;
    }

    /** The t with P(T ≤ t) = p, for 0 < p < 1; e.g. {@code quantile(0.975, 9)} ≈ 2.262. */
    public static double quantile(double p, double df) {
        checkDf(df);
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("t quantile: probability must be in (0, 1), got " + p);
        if (p == 0.5) return 0.0;
        if (p < 0.5) return -quantile(1.0 - p, df);
        double tail = 1.0 - p; // find t > 0 with upperTail(t) = tail; upperTail decreases in t
        double lo = 0, hi = 1;
        while (upperTail(hi, df) > tail) {
            lo = hi;
            hi *= 2;
            if (hi > 1e300) return Double.POSITIVE_INFINITY;
        }
        for (int i = 0; i < 300 && hi - lo > 1e-13 * hi; i++) {
            double mid = 0.5 * (lo + hi);
            if (upperTail(mid, df) > tail) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /** P(T > t) for t ≥ 0. */
    static double upperTail(double t, double df) {
        if (Double.isInfinite(t)) return 0.0;
        double x = df / (df + t * t);
        return 0.5 * regularizedBeta(x, df / 2.0, 0.5);
    }

    private static void checkDf(double df) {
        if (!(df > 0) || Double.isInfinite(df)) {
            throw new IllegalArgumentException("t distribution: degrees of freedom must be finite and > 0, got " + df);
        }
    }

    /** Regularized incomplete beta I_x(a, b) for a, b > 0, 0 ≤ x ≤ 1. */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) return 0.0;
        if (x >= 1) return 1.0;
        // Use the continued fraction where it converges fast; otherwise the symmetry I_x(a,b) = 1 − I_{1−x}(b,a).
        if (x > (a + 1) / (a + b + 2)) return 1.0 - regularizedBeta(1 - x, b, a);
        double lnFront = a * Math.log(x) + b * Math.log1p(-x) - lnBeta(a, b) - Math.log(a);
        return Math.exp(lnFront) * betaContinuedFraction(x, a, b);
    }

    /**
     * The continued fraction 1/(1+ d1/(1+ d2/(1+ ...))) of I_x(a,b), with
     * d_{2m+1} = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and d_{2m} = m(b−m)x / ((a+2m−1)(a+2m)),
     * evaluated by the modified Lentz method.
     */
    private static double betaContinuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        final double eps = 1e-15;
        double f = tiny, c = f, d = 0;
        for (int n = 0; n <= 10_000; n++) {
            double coef;
            if (n == 0) {
                coef = 1.0;
            } else if (n % 2 == 1) {
                int m = (n - 1) / 2;
                coef = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            } else {
                int m = n / 2;
                coef = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            }
            // step: f_n = f_{n-1} · C_n · D_n with partial numerator coef and partial denominator 1
            d = 1.0 + coef * d;
            if (Math.abs(d) < tiny) d = tiny;
            d = 1.0 / d;
            c = 1.0 + coef / c;
            if (Math.abs(c) < tiny) c = tiny;
            double delta = c * d;
            f *= delta;
            if (n > 0 && Math.abs(delta - 1.0) < eps) return f;
        }
        throw new ArithmeticException("incomplete beta continued fraction did not converge (x=" + x + ", a=" + a + ", b=" + b + ")");
    }

    static double lnBeta(double a, double b) {
        return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
    }

    private static final double[] LANCZOS = {
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};

    /** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, about 15 significant digits). */
    static double lnGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x); // reflection
        }
        x -= 1;
        double sum = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
