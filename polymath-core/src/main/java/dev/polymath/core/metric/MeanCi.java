package dev.polymath.core.metric;

import java.util.Locale;

/**
 * Mean with a 95% confidence half-width over repeated runs (seeds) or few-shot episodes.
 *
 * <p>Two variants, both with s the sample standard deviation (divisor n − 1):
 * <ul>
 *   <li>{@link #student}: half-width t_{0.975, n−1} · s / √n, Student's t quantile (right for few seeds);</li>
 *   <li>{@link #normal}: half-width 1.96 · s / √n, the normal approximation that meta-learning papers report
 *       over e.g. 600 episodes (there t_{0.975, 599} ≈ 1.964, so the two agree closely).</li>
 * </ul>
 * Both need at least two finite values. {@link #toString()} prints {@code 81.53 ± 0.42}; use
 * {@link #scaled(double)} to turn fractions into percentages first.
 *
 * @param mean      sample mean
 * @param halfWidth half-width of the 95% interval
 * @param n         number of values
 * @param std       sample standard deviation (n − 1 divisor)
 */
public record MeanCi(double mean, double halfWidth, int n, double std) {

    /** The normal 97.5% quantile as used by the meta-learning literature (1.96, not 1.959964…). */
    public static final double Z_95 = 1.96;

    /** Mean ± t_{0.975, n−1} · s/√n. */
    public static MeanCi student(double... values) {
        int n = check("student", values);
        double[] ms = meanStd(values);
        double t = StudentT.quantile(0.975, n - 1);
        return new MeanCi(ms[0], t * ms[1] / Math.sqrt(n), n, ms[1]);
    }

    /** Mean ± 1.96 · s/√n. */
    public static MeanCi normal(double... values) {
        int n = check("normal", values);
        double[] ms = meanStd(values);
        return new MeanCi(ms[0], Z_95 * ms[1] / Math.sqrt(n), n, ms[1]);
    }

    /** Lower end of the interval. */
    public double lower() { return mean - halfWidth; }

    /** Upper end of the interval. */
    public double upper() { return mean + halfWidth; }

    /** Every quantity multiplied by {@code factor} (e.g. 100 to report fractions as percentages). */
    public MeanCi scaled(double factor) {
        return new MeanCi(mean * factor, halfWidth * Math.abs(factor), n, std * Math.abs(factor));
    }

    /** {@code mean ± halfWidth} with the given number of decimals. */
    public String format(int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", mean, halfWidth);
    }

    /** {@code mean ± halfWidth} with two decimals, e.g. {@code 81.53 ± 0.42}. */
    @Override
    public String toString() {
        return format(2);
    }

    private static int check(String variant, double[] values) {
        if (values == null || values.length < 2) {
            throw new IllegalArgumentException("mean ± CI (" + variant + "): needs at least 2 values, got "
                    + (values == null ? 0 : values.length));
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("mean ± CI (" + variant + "): value at index " + i + " is " + values[i]);
            }
        }
        return values.length;
    }

    private static double[] meanStd(double[] v) {
        double mean = 0;
        for (double x : v) mean += x;
        mean /= v.length;
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        return new double[] {mean, Math.sqrt(ss / (v.length - 1))};
    }
}
