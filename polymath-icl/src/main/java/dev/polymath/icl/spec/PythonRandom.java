package dev.polymath.icl.spec;

/**
 * CPython's {@code random} module for integer seeds and {@code randint}: the MT19937 generator seeded with
 * {@code init_by_array} over the seed's 32-bit words, and {@code randint(a, b)} by rejection sampling on
 * {@code getrandbits(k)}. It exists to reproduce MMLU-Pro's fallback for unparsable answers exactly
 * ({@code random.seed(12345); random.randint(0, len(options) - 1)}, reset before every such answer).
 * MT19937 is Matsumoto and Nishimura's published algorithm.
 */
public final class PythonRandom {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int mti;

    /** As Python's {@code random.seed(seed)} for a non-negative integer seed below 2^64. */
    public PythonRandom(long seed) {
        if (seed < 0) throw new IllegalArgumentException("seed must be >= 0");
        int hi = (int) (seed >>> 32);
        int[] key = hi == 0 ? new int[] {(int) seed} : new int[] {(int) seed, hi};
        initByArray(key);
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (mti = 1; mti < N; mti++) mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1, j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
            if (j >= key.length) j = 0;
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
        }
        mt[0] = 0x80000000;
        mti = N;
    }

    /** The next 32 random bits as an unsigned value. */
    long nextUint32() {
        if (mti >= N) {
            int kk;
            for (kk = 0; kk < N - M; kk++) {
                int y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
                mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            for (; kk < N - 1; kk++) {
                int y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
                mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            int y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
            mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            mti = 0;
        }
        int y = mt[mti++];
        y ^= (y >>> 11);
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= (y >>> 18);
        return y & 0xffffffffL;
    }

    /** Python's {@code randint(a, b)}, inclusive, for ranges below 2^31. */
    public int randint(int a, int b) {
        int n = b - a + 1;
        if (n <= 0) throw new IllegalArgumentException("empty range " + a + ".." + b);
        int k = 32 - Integer.numberOfLeadingZeros(n); // n.bit_length()
        long r;
        do {
            r = nextUint32() >>> (32 - k);
        } while (r >= n);
        return a + (int) r;
    }
}
