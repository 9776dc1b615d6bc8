package dev.polymath.nn.meta;

/**
 * The float stream of PyTorch's CPU {@code torch.Generator().manual_seed(seed)} followed by
 * {@code torch.rand(...)}: MT19937 seeded with the low 32 bits of the seed, each float32 draw
 * {@code (next32 & (2^24 - 1)) * 2^-24}, elements drawn serially in row-major order. Used only so that a
 * benchmark can run on exactly the tasks (and initial weights) a PyTorch peer draws from the same seed.
 */
public final class TorchCompatibleRandom {
    private static final int N = 624, M = 397;
    private final int[] mt = new int[N];
    private int index = N;

    public TorchCompatibleRandom(long seed) {
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }

    /** The next 32-bit output of MT19937. */
    public int nextInt() {
        if (index >= N) twist();
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
            int v = mt[(i + M) % N] ^ (y >>> 1);
            if ((y & 1) != 0) v ^= 0x9908b0df;
            mt[i] = v;
        }
        index = 0;
    }

    /** One {@code torch.rand} float32 in [0, 1). */
    public float nextFloat() {
        return (float) ((nextInt() & 0xFFFFFF) * 0x1.0p-24);
    }

    /** {@code torch.rand(n)}. */
    public float[] rand(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = nextFloat();
        return a;
    }
}
