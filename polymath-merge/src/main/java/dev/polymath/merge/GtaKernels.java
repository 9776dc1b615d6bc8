package dev.polymath.merge;

/**
 * Small, branch-free loops over one block for {@link GtaJob#apply}: each is its own method so that the JIT
 * compiles it on its own profile, and selections are bit masks instead of unpredictable branches. Every
 * loop performs exactly the float32 operations of the element-by-element reference, in the same order.
 */
final class GtaKernels {
    private GtaKernels() {}

    static final int ABS = 0x7FFFFFFF;

    /** d[j] = x[j] - b[j]. */
    static void deltas(float[] x, float[] b, float[] d, int n) {
        for (int j = 0; j < n; j++) d[j] = x[j] - b[j];
    }

    /** t[j] = t[j] * w, counting t[j] != 0 before weighting. */
    static long weight(float[] t, float w, int n) {
        long kept = 0;
        for (int j = 0; j < n; j++) {
            float v = t[j];
            kept += ((Float.floatToRawIntBits(v) & ABS) + ABS) >>> 31;
            t[j] = v * w;
        }
        return kept;
    }

    /** t[j] = (|t[j]| bits >= thr ? t[j] : 0) * w, counting the kept non-zeros. */
    static long keepAtLeast(float[] t, int thr, float w, int n) {
        long kept = 0;
        for (int j = 0; j < n; j++) {
            int vb = Float.floatToRawIntBits(t[j]);
            int kb = vb & ((thr - 1 - (vb & ABS)) >> 31);
            kept += ((kb & ABS) + ABS) >>> 31;
            t[j] = Float.intBitsToFloat(kb) * w;
        }
        return kept;
    }

    /** dst[j] += src[j]. */
    static void add(float[] dst, float[] src, int n) {
        for (int j = 0; j < n; j++) dst[j] += src[j];
    }

    /** s[j] = s[j] >= 0 ? 1 : -1. */
    static void signNonNegativePlus(float[] s, int n) {
        for (int j = 0; j < n; j++) s[j] = s[j] >= 0 ? 1f : -1f;
    }

    /**
     * Disjoint aggregation step for model {@code i}: agree = sign(x) matches the elected sign {@code s[j]}
     * (+1 or -1; zeros and NaN never agree), i.e. x * s > 0. num += agree ? x : 0, den += agree ? w : 0,
     * conflict |= x != 0 && !agree. The first model assigns instead of adding (as the reference does).
     */
    static void aggregate(float[] t, float[] s, float w, float[] num, float[] den, int[] cf, int n, boolean first) {
        int wb = Float.floatToRawIntBits(w);
        if (first) {
            for (int j = 0; j < n; j++) {
                float x = t[j];
                int am = x * s[j] > 0 ? -1 : 0;
                int xb = Float.floatToRawIntBits(x);
                num[j] = Float.intBitsToFloat(xb & am);
                den[j] = Float.intBitsToFloat(wb & am);
                cf[j] = (((xb & ABS) + ABS) >>> 31) & ~am;
            }
        } else {
            for (int j = 0; j < n; j++) {
                float x = t[j];
                int am = x * s[j] > 0 ? -1 : 0;
                int xb = Float.floatToRawIntBits(x);
                num[j] += Float.intBitsToFloat(xb & am);
                den[j] += Float.intBitsToFloat(wb & am);
                cf[j] |= (((xb & ABS) + ABS) >>> 31) & ~am;
            }
        }
    }

    static long sum(int[] a, int n) {
        long s = 0;
        for (int j = 0; j < n; j++) s += a[j];
        return s;
    }

    /** num[j] = num[j] / (den[j] == 0 ? 1 : den[j]). */
    static void divideByNonZero(float[] num, float[] den, int n) {
        for (int j = 0; j < n; j++) { float d = den[j]; num[j] = num[j] / (d == 0f ? 1f : d); }
    }

    /**
     * num[j] = num[j] / (den[j] == 0 ? 1 : den[j]) when every weight is positive: then den is +0 exactly when
     * no model agrees, so num is +0, and +0 / MIN_VALUE = +0 / 1 = +0; any other den is >= the smallest
     * weight, which max leaves alone. Math.max vectorizes where the ternary does not.
     */
    static void divideByNonZeroPositiveWeights(float[] num, float[] den, int n) {
        for (int j = 0; j < n; j++) num[j] = num[j] / Math.max(den[j], Float.MIN_VALUE);
    }

    /** out[j] = b[j] + mix[j] (lambda == 1) or b[j] + mix[j] * lambda. */
    static void finish(float[] b, float[] mix, float lambda, float[] out, int n) {
        if (lambda != 1f) {
            for (int j = 0; j < n; j++) out[j] = b[j] + mix[j] * lambda;
        } else {
            for (int j = 0; j < n; j++) out[j] = b[j] + mix[j];
        }
    }
}
