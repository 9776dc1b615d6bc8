package dev.polymath.merge;

import java.util.ArrayList;
import java.util.List;

/**
 * Exact top-k by magnitude of task-vector entries without sorting or stacking, over the bits of |d|
 * (non-negative floats order like their bit patterns). The k-th largest value T is found with one full read:
 * a sample pass (the first 1/16 of every block) histograms the upper 15 bits and predicts a band of at most
 * {@link #MAX_BAND} such buckets that holds T with high probability; one exact pass then counts the entries
 * above the band and histograms the band's entries by their full bits, which gives T. When the band misses
 * (or is too wide, or the tensor is small) the selection falls back to the exact two-level histogram: the
 * upper 15 bits find the bucket of the k-th largest, the lower 16 bits within it give T (two full reads).
 * Either way T is exact; only the number of reads depends on the sample.
 *
 * <p>Entries above T are kept; entries equal to T are kept in index order until k are kept (ties to the
 * LOWER flat index, as the peer and a stable descending sort do), which needs a counting pass only when ties
 * at T actually straddle k. With {@code keepTies} every entry equal to T is kept (FusionBench's
 * {@code >= kth value} rule).
 *
 * <p>Selectors are (model, k) pairs; several per model give rank bands (Model Breadcrumbs).
 */
final class TopKSelection {
    static final int HI = 1 << 15;
    static final int LO = 1 << 16;
    /** The widest predicted band, in upper-bit buckets (its histogram: MAX_BAND x 2^16 int counters). */
    static final int MAX_BAND = 8;
    /** Sampling pays off from this many elements on (smaller selections go straight to the two-level histogram). */
    static int sampleMinElements = 1 << 18;
    /** The sample pass reads the first 1 / 2^SAMPLE_SHIFT of every block. */
    static final int SAMPLE_SHIFT = 4;

    enum Mode { NONE, ALL, THRESHOLD }

    final int models;
    final int s;                 // number of selectors
    final int[] model;
    final long[] k;
    final boolean keepTies;
    final Mode[] mode;
    final int[] bucket;
    final long[] aboveHi;
    final int[] thr;
    final long[] need;
    final long[] eqTotal;
    final boolean[] ranked;
    long[][] eqBefore;           // [chunk][selector], only when some selector is ranked
    final int[] bandLo, bandHi;  // predicted band of upper-bit buckets, or -1
    final boolean[] exact;       // T known for this selector (band hit, or two-level histogram done)
    final long n;
    /** How each THRESHOLD selector found T: "band" (one read) or "histogram" (two reads); for the statistics. */
    final String[] how;
    private int stage;

    TopKSelection(int models, int[] model, long[] k, long n, boolean keepTies) {
        this.models = models;
        this.s = model.length;
        this.model = model.clone();
        this.k = k.clone();
        this.keepTies = keepTies;
        mode = new Mode[s];
        bucket = new int[s];
        aboveHi = new long[s];
        thr = new int[s];
        need = new long[s];
        eqTotal = new long[s];
        ranked = new boolean[s];
        bandLo = new int[s];
        bandHi = new int[s];
        exact = new boolean[s];
        how = new String[s];
        this.n = n;
        java.util.Arrays.fill(bandLo, -1);
        java.util.Arrays.fill(bandHi, -1);
        for (int i = 0; i < s; i++) mode[i] = k[i] <= 0 ? Mode.NONE : k[i] >= n ? Mode.ALL : Mode.THRESHOLD;
    }

    /** Selector i still needs its threshold. */
    private boolean open(int i) { return mode[i] == Mode.THRESHOLD && !exact[i]; }

    static int absBits(float f) { return Float.floatToRawIntBits(f) & 0x7FFFFFFF; }

    boolean anyThreshold() {
        for (Mode m : mode) if (m == Mode.THRESHOLD) return true;
        return false;
    }

    /** The next pass, or null when thresholds (and tie ranks) are known. {@code deltas} gives |d| bits per model. */
    Pass<?> nextPass(DeltaSource src) {
        if (stage == 0) {
            if (!anyThreshold()) stage = 4;
            else if (n >= sampleMinElements && n <= Integer.MAX_VALUE) { stage = 10; return samplePass(src); }
            else stage = 1;
        }
        if (stage == 11) {
            boolean any = false;
            for (int i = 0; i < s; i++) any |= open(i) && bandLo[i] >= 0;
            stage = 12;
            if (any) return bandPass(src);
        }
        if (stage == 12) {
            boolean any = false;
            for (int i = 0; i < s; i++) any |= open(i);
            stage = any ? 1 : 3;
        }
        if (stage == 1) { stage = 2; return hiPass(src); }
        if (stage == 2) { stage = 3; return loPass(src); }
        if (stage == 3) {
            boolean any = false;
            for (boolean r : ranked) any |= r;
            stage = 4;
            if (any) return eqPass(src);
        }
        return null;
    }

    /** Writes the |d| bits of model m for the block's elements into {@code dst[0, c.len)} (one call per block: no per-element indirection). */
    interface DeltaSource {
        void absBits(Chunk c, int m, int[] dst);
    }

    /** The block's |d| bits of model m, in the worker's integer scratch array 1. */
    private static int[] bits(DeltaSource src, Chunk c, int m) {
        int[] b = c.itmp(1);
        src.absBits(c, m, b);
        return b;
    }

    /** One upper-16-bit histogram per model that some open selector reads (shared by the sample and high-bits passes). */
    private long[][] newHiHistograms() {
        long[][] h = new long[models][];
        for (int i = 0; i < s; i++) if (open(i) && h[model[i]] == null) h[model[i]] = new long[HI];
        return h;
    }

    private void countHighBits(DeltaSource src, Chunk c, long[][] acc) {
        for (int m = 0; m < models; m++) {
            long[] h = acc[m];
            if (h == null) continue;
            int[] bits = bits(src, c, m);
            for (int j = 0; j < c.len; j++) h[bits[j] >>> 16]++;
        }
    }

    /** Selector i's model histogram summed over the workers' accumulators. */
    private long[] sumHighBits(List<long[][]> accs, int i) {
        long[] h = new long[HI];
        for (long[][] a : accs) { long[] x = a[model[i]]; for (int b = 0; b < HI; b++) h[b] += x[b]; }
        return h;
    }

    private Pass<long[][]> hiPass(DeltaSource src) {
        return new Pass<>("top-k histogram (high bits)", true) {
            public long[][] newAcc() { return newHiHistograms(); }

            public void accumulate(Chunk c, long[][] acc) { countHighBits(src, c, acc); }

            public void finish(List<long[][]> accs) {
                for (int i = 0; i < s; i++) {
                    if (!open(i)) continue;
                    long[] h = sumHighBits(accs, i);
                    long cum = 0;
                    for (int b = HI - 1; b >= 0; b--) {
                        if (cum + h[b] >= k[i]) { bucket[i] = b; aboveHi[i] = cum; break; }
                        cum += h[b];
                    }
                }
            }
        };
    }

    private Pass<long[][]> loPass(DeltaSource src) {
        return new Pass<>("top-k histogram (low bits)", true) {
            public long[][] newAcc() {
                long[][] h = new long[s][];
                for (int i = 0; i < s; i++) if (open(i)) h[i] = new long[LO];
                return h;
            }

            public void accumulate(Chunk c, long[][] acc) {
                for (int i = 0; i < s; i++) {
                    long[] h = acc[i];
                    if (h == null) continue;
                    int m = model[i], b = bucket[i];
                    int[] bits = bits(src, c, m);
                    for (int j = 0; j < c.len; j++) if ((bits[j] >>> 16) == b) h[bits[j] & 0xFFFF]++;
                }
            }

            public void finish(List<long[][]> accs) {
                for (int i = 0; i < s; i++) {
                    if (!open(i)) continue;
                    long[] h = new long[LO];
                    for (long[][] a : accs) for (int b = 0; b < LO; b++) h[b] += a[i][b];
                    long rem = k[i] - aboveHi[i], cum = 0;
                    for (int lo = LO - 1; lo >= 0; lo--) {
                        if (cum + h[lo] >= rem) {
                            settle(i, (bucket[i] << 16) | lo, rem - cum, h[lo]);
                            how[i] = "histogram";
                            break;
                        }
                        cum += h[lo];
                    }
                }
            }
        };
    }

    /** T = bits {@code t}; {@code need} of the {@code eq} entries equal to T are within the top k. */
    private void settle(int i, int t, long need, long eq) {
        thr[i] = t;
        this.need[i] = need;
        eqTotal[i] = eq;
        ranked[i] = !keepTies && need < eq;
        exact[i] = true;
    }

    /** Upper-bit histograms of the first 1/16 of every block, per model; finish predicts each selector's band. */
    private Pass<long[][]> samplePass(DeltaSource src) {
        return new Pass<>("top-k sample", true) {
            public int readLength(int len) { return Math.max(1, len >> SAMPLE_SHIFT); }

            public long[][] newAcc() { return newHiHistograms(); }

            public void accumulate(Chunk c, long[][] acc) { countHighBits(src, c, acc); }

            public void finish(List<long[][]> accs) {
                for (int i = 0; i < s; i++) {
                    if (!open(i)) continue;
                    long[] h = sumHighBits(accs, i);
                    long total = 0;
                    for (long v : h) total += v;
                    predictBand(i, h, total);
                }
                stage = 11;
            }
        };
    }

    /**
     * The band of upper-bit buckets holding the sample ranks k S / n -+ (4 standard deviations of a binomial
     * rank + 8): the k-th largest of the whole lies outside it with negligible probability for a random-order
     * sample, and the exact pass checks that it does not. No band when it would be wider than MAX_BAND.
     */
    void predictBand(int i, long[] h, long total) {
        if (total == 0) return;
        double p = (double) k[i] / n;
        double r = p * total, d = 4 * Math.sqrt(total * p * (1 - p)) + 8;
        double upper = r - d, lower = r + d;             // sample ranks (1 = largest) bounding the band
        int hiB = -1, loB = -1;
        long cum = 0;
        for (int b = HI - 1; b >= 0; b--) {
            cum += h[b];
            if (hiB < 0 && h[b] > 0 && cum >= upper) hiB = b;
            if (cum >= lower) { loB = b; break; }
        }
        if (upper < 1) hiB = HI - 1;                     // the k-th largest may be among the very largest
        if (loB < 0) loB = 0;
        if (hiB < 0 || hiB - loB + 1 > MAX_BAND) return;
        bandLo[i] = loB;
        bandHi[i] = hiB;
    }

    /** One exact read: entries above the band counted, entries in it histogrammed by their full bits. */
    private Pass<Object[]> bandPass(DeltaSource src) {
        return new Pass<>("top-k band", true) {
            public Object[] newAcc() {
                Object[] a = new Object[2 * s];
                for (int i = 0; i < s; i++) {
                    if (!open(i) || bandLo[i] < 0) continue;
                    a[i] = new int[(bandHi[i] - bandLo[i] + 1) << 16];
                    a[s + i] = new long[1];
                }
                return a;
            }

            public void accumulate(Chunk c, Object[] acc) {
                for (int i = 0; i < s; i++) {
                    int[] h = (int[]) acc[i];
                    if (h == null) continue;
                    int lo = bandLo[i] << 16, span = h.length;
                    int[] bits = bits(src, c, model[i]);
                    int above = 0;
                    if (bandHi[i] < HI - 1) {
                        int top1 = ((bandHi[i] + 1) << 16) - 1;       // entries > top1 lie above the band
                        for (int j = 0; j < c.len; j++) above += (top1 - bits[j]) >>> 31;
                    }
                    for (int j = 0; j < c.len; j++) {
                        int off = bits[j] - lo;
                        if (Integer.compareUnsigned(off, span) < 0) h[off]++;
                    }
                    ((long[]) acc[s + i])[0] += above;
                }
            }

            public void finish(List<Object[]> accs) {
                for (int i = 0; i < s; i++) {
                    if (!open(i) || bandLo[i] < 0) continue;
                    int span = (bandHi[i] - bandLo[i] + 1) << 16;
                    long above = 0;
                    long[] h = new long[span];
                    for (Object[] a : accs) {
                        above += ((long[]) a[s + i])[0];
                        int[] x = (int[]) a[i];
                        for (int b = 0; b < span; b++) h[b] += x[b];
                    }
                    if (above >= k[i]) continue;                // T lies above the band: fall back
                    long rem = k[i] - above, cum = 0;
                    for (int b = span - 1; b >= 0; b--) {
                        if (cum + h[b] >= rem) {
                            settle(i, (bandLo[i] << 16) + b, rem - cum, h[b]);
                            how[i] = "band";
                            break;
                        }
                        cum += h[b];
                    }
                }
            }
        };
    }

    private Pass<long[]> eqPass(DeltaSource src) {
        return new Pass<>("top-k tie ranks", false) {
            public long[] newAcc() { return new long[s]; }

            public void accumulate(Chunk c, long[] acc) {
                for (int i = 0; i < s; i++) {
                    if (!ranked[i]) continue;
                    int m = model[i], t = thr[i];
                    long n = 0;
                    int[] bits = bits(src, c, m);
                    for (int j = 0; j < c.len; j++) if (bits[j] == t) n++;
                    acc[i] += n;
                }
            }

            public void finish(List<long[]> accs) {
                eqBefore = new long[accs.size()][s];
                long[] run = new long[s];
                for (int c = 0; c < accs.size(); c++) {
                    eqBefore[c] = run.clone();
                    for (int i = 0; i < s; i++) run[i] += accs.get(c)[i];
                }
            }
        };
    }

    /** Per-chunk decision state: tie counters start at the number of equal entries in earlier chunks. */
    Keeper keeper(int chunkIndex) {
        long[] seen = eqBefore == null ? new long[s] : eqBefore[chunkIndex].clone();
        return new Keeper(seen);
    }

    final class Keeper {
        private final long[] seen;

        Keeper(long[] seen) { this.seen = seen; }

        /** Whether an entry with magnitude bits {@code bits} is within the top k of selector {@code i}. Call once per element, in order. */
        boolean inTop(int i, int bits) {
            switch (mode[i]) {
                case NONE: return false;
                case ALL: return true;
                default:
                    int t = thr[i];
                    if (bits > t) return true;
                    if (bits < t) return false;
                    if (!ranked[i]) return true;
                    return seen[i]++ < need[i];
            }
        }
    }

    List<Object> describe() {
        var out = new ArrayList<Object>();
        for (int i = 0; i < s; i++) {
            var m = new java.util.LinkedHashMap<String, Object>();
            m.put("model", model[i]);
            m.put("k", k[i]);
            m.put("mode", mode[i].name().toLowerCase());
            if (mode[i] == Mode.THRESHOLD) {
                m.put("threshold", Float.intBitsToFloat(thr[i]));
                m.put("ties_at_threshold", eqTotal[i]);
                m.put("ties_kept", keepTies ? eqTotal[i] : need[i]);
            }
            out.add(m);
        }
        return out;
    }
}
