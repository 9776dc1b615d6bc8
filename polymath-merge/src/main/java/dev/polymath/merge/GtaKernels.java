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

    /** 2^127: a positive float times BIG * BIG is at least 1 (or +inf), so min(that, 1) turns "x > 0" into 1 or 0 without a branch. */
    static final float BIG = 0x1p127f;

    /** t[j] = t[j] * w (no counting: for methods without sparsification statistics). */
    static void scale(float[] t, float w, int n) {
        for (int j = 0; j < n; j++) t[j] = t[j] * w;
    }

    /** The largest |t[j]|; NaN or +inf when the block holds a non-finite value (Math.max propagates NaN). */
    static float maxAbs(float[] t, int n) {
        float m = 0f;
        for (int j = 0; j < n; j++) m = Math.max(m, Math.abs(t[j]));
        return m;
    }

    /**
     * {@link #keepAtLeast} in float arithmetic only (min/max/mul vectorize; bit casts and selects do not), for
     * a finite threshold {@code T} > 0 and a block without NaN (infinite |v| are kept: T - inf = -inf): |v| >= T exactly when T - |v| <= 0,
     * so k = 1 - min(max(T - |v|, 0) * BIG * BIG, 1) is 1 for kept and 0 for dropped entries; v * k + 0 is v or
     * +0 (kept v are never zero since T > 0), the same bits as the masked value. Callers check the result with
     * {@link #maxAbs} and redo NaN blocks with {@link #keepAtLeast}.
     */
    static long keepAtLeastFinite(float[] t, float thr, float w, int n) {
        int kept = 0;
        for (int j = 0; j < n; j++) {
            float v = t[j];
            float k = 1f - Math.min(Math.max(thr - Math.abs(v), 0f) * BIG * BIG, 1f);
            kept += (int) k;
            t[j] = (v * k + 0f) * w;
        }
        return kept;
    }

    /**
     * s[j] = s[j] >= 0 ? 1 : -1 for finite s (-0 gives 1): g = min(max(-s * BIG * BIG, 0), 1) is 1 exactly when s < 0.
     */
    static void signNonNegativePlusFinite(float[] s, int n) {
        for (int j = 0; j < n; j++) s[j] = 1f - 2f * Math.min(Math.max(-s[j] * BIG * BIG, 0f), 1f);
    }

    /**
     * {@link #aggregate} in float arithmetic for finite t (s = +-1): q = max(t s, 0) is |t| when t agrees and +0
     * otherwise, so q s is t or +-0 (+0 after adding +0 for the first model, as the reference assigns +0; later
     * +-0 additions leave the never -0 sum unchanged); a = min(q BIG BIG, 1) is the agreement as 1/0, so
     * den gets w a (+-0 when disagreeing: the division treats both zeros alike); the conflict flag is
     * nonzero(t) - a, kept as a float 0/1 in {@code cf} (max over models).
     */
    static void aggregateFinite(float[] t, float[] s, float w, float[] num, float[] den, float[] cf, int n, boolean first) {
        if (first) {
            for (int j = 0; j < n; j++) {
                float x = t[j], e = s[j];
                float q = Math.max(x * e, 0f);
                float a = Math.min(q * BIG * BIG, 1f);
                num[j] = q * e + 0f;
                den[j] = w * a;
                cf[j] = Math.min(Math.abs(x) * BIG * BIG, 1f) - a;
            }
        } else {
            for (int j = 0; j < n; j++) {
                float x = t[j], e = s[j];
                float q = Math.max(x * e, 0f);
                float a = Math.min(q * BIG * BIG, 1f);
                num[j] += q * e;
                den[j] += w * a;
                cf[j] = Math.max(cf[j], Math.min(Math.abs(x) * BIG * BIG, 1f) - a);
            }
        }
    }

    /** The number of 1s in a 0/1 float array. */
    static long count(float[] f, int n) {
        int c = 0;
        for (int j = 0; j < n; j++) c += (int) f[j];
        return c;
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
