package dev.polymath.merge;

import dev.polymath.core.util.Seeds;

/**
 * The random keep/drop decision of DARE. The default is counter-based: element {@code index} of model
 * {@code model} in tensor {@code tensor} is kept when a hash of (seed, tensor, model, index) mapped to
 * [0, 1) is below the density, so the mask is the same for any chunk size or thread count. Tests inject
 * their own.
 */
@FunctionalInterface
public interface DropMask {
    boolean keep(String tensor, int model, long index, double density);

    /** Per-(tensor, model) key, computed once per chunk by callers that care about speed. */
    default long key(String tensor, int model) { return 0; }

    static DropMask seeded(long seed) {
        return new Seeded(seed);
    }

    final class Seeded implements DropMask {
        private final long seed;

        Seeded(long seed) { this.seed = seed; }

        @Override
        public long key(String tensor, int model) { return Seeds.mix(Seeds.mix(seed, "dare:" + tensor), model); }

        @Override
        public boolean keep(String tensor, int model, long index, double density) {
            return keepWithKey(key(tensor, model), index, density);
        }

        public static boolean keepWithKey(long key, long index, double density) {
            return uniform(key, index) < density;
        }

        static double uniform(long key, long index) {
            long z = key + (index + 1) * 0x9e3779b97f4a7c15L;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            z = z ^ (z >>> 31);
            return (z >>> 11) * 0x1.0p-53;
        }
    }
}
