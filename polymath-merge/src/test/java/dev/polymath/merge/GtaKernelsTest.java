package dev.polymath.merge;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The float-only kernels (used on blocks without NaN) give the same bits as the bit-mask kernels, on finite
 * data full of signed zeros, subnormals, values equal to the threshold, huge values and infinities where the
 * kernel allows them; and the NaN check ({@link GtaKernels#maxAbs}) sees every non-finite value.
 */
class GtaKernelsTest {
    static final int N = 4099;

    static float[] awkward(SplittableRandom r, boolean infinities) {
        float[] a = new float[N];
        for (int j = 0; j < N; j++) {
            a[j] = switch (r.nextInt(10)) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2 -> (r.nextBoolean() ? 1 : -1) * Float.MIN_VALUE * (1 + r.nextInt(1000));   // subnormal
                case 3 -> (r.nextBoolean() ? 1 : -1) * Float.MAX_VALUE / (1 + r.nextInt(4));
                case 4 -> (r.nextInt(9) - 4) / 8f;                                              // ties at 0.25, 0.5, ...
                case 5 -> infinities ? (r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY) : 1f;
                default -> (float) r.nextGaussian();
            };
        }
        return a;
    }

    @Test
    void keepAtLeastFiniteMatchesTheMaskKernel() {
        var r = new SplittableRandom(1);
        for (int rep = 0; rep < 20; rep++) {
            float[] a = awkward(r, true);
            int picked = TopKSelection.absBits(a[r.nextInt(N)]);
            int[] thresholds = {1, Float.floatToRawIntBits(0.25f), picked > 0 && picked < 0x7F800000 ? picked : 0x3F000000,
                    Float.floatToRawIntBits(Float.MAX_VALUE)};
            for (int thr : thresholds) {
                for (float w : new float[] {1f, 0.5f, -1.25f, 3f}) {
                    float[] ref = a.clone(), got = a.clone();
                    long kr = GtaKernels.keepAtLeast(ref, thr, w, N);
                    long kg = GtaKernels.keepAtLeastFinite(got, Float.intBitsToFloat(thr), w, N);
                    assertEquals(kr, kg, "kept count, thr " + thr);
                    for (int j = 0; j < N; j++) {
                        assertEquals(Float.floatToRawIntBits(ref[j]), Float.floatToRawIntBits(got[j]), "element " + j + " = " + a[j] + ", thr " + thr + ", w " + w);
                    }
                }
            }
        }
    }

    @Test
    void signAndAggregateMatchTheMaskKernelsOnFiniteData() {
        var r = new SplittableRandom(2);
        for (int rep = 0; rep < 20; rep++) {
            float[][] t = {awkward(r, false), awkward(r, false), awkward(r, false)};
            float[] s = t[0].clone();
            GtaKernels.add(s, t[1], N);
            GtaKernels.add(s, t[2], N);
            float[] sr = s.clone(), sg = s.clone();
            GtaKernels.signNonNegativePlus(sr, N);
            GtaKernels.signNonNegativePlusFinite(sg, N);
            for (int j = 0; j < N; j++) assertEquals(Float.floatToRawIntBits(sr[j]), Float.floatToRawIntBits(sg[j]), "sign of " + s[j]);

            float[] w = {0.5f, -1.25f, 2f};
            float[] numR = new float[N], denR = new float[N], numG = new float[N], denG = new float[N], cfG = new float[N];
            int[] cfR = new int[N];
            for (int i = 0; i < 3; i++) {
                GtaKernels.aggregate(t[i], sr, w[i], numR, denR, cfR, N, i == 0);
                GtaKernels.aggregateFinite(t[i], sg, w[i], numG, denG, cfG, N, i == 0);
            }
            for (int j = 0; j < N; j++) {
                assertEquals(Float.floatToRawIntBits(numR[j]), Float.floatToRawIntBits(numG[j]), "numerator at " + j);
                // a zero denominator of either sign divides by 1; any other must be the same
                if (denR[j] == 0f) assertEquals(0f, denG[j], 0f, "denominator at " + j);
                else assertEquals(Float.floatToRawIntBits(denR[j]), Float.floatToRawIntBits(denG[j]), "denominator at " + j);
                assertEquals(cfR[j], (int) cfG[j], "conflict at " + j);
            }
            assertEquals(GtaKernels.sum(cfR, N), GtaKernels.count(cfG, N));
        }
    }

    @Test
    void maxAbsSeesEveryNonFiniteValue() {
        var r = new SplittableRandom(3);
        float[] a = awkward(r, false);
        assertTrue(GtaKernels.maxAbs(a, N) < Float.POSITIVE_INFINITY);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0xFFC00001)}) {
            for (int at : new int[] {0, 17, N - 1}) {
                float[] b = a.clone();
                b[at] = bad;
                assertFalse(GtaKernels.maxAbs(b, N) < Float.POSITIVE_INFINITY, bad + " at " + at);
            }
        }
    }
}
