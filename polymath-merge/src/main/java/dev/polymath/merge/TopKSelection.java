package dev.polymath.merge;

import java.util.ArrayList;
import java.util.List;

/**
 * Exact top-k by magnitude of task-vector entries without sorting or stacking: a two-level histogram over
 * the bits of |d| (non-negative floats order like their bit patterns): the upper 15 bits find the bucket of
 * the k-th largest, the lower 16 bits within that bucket give its exact value T. Entries above T are kept;
 * entries equal to T are kept in index order until k are kept (ties to the LOWER flat index, as the peer
 * and a stable descending sort do), which needs a third counting pass only when ties at T actually straddle
 * k. With {@code keepTies} every entry equal to T is kept (FusionBench's {@code >= kth value} rule).
 *
 * <p>Selectors are (model, k) pairs; several per model give rank bands (Model Breadcrumbs).
 */
final class TopKSelection {
    static final int HI = 1 << 15;
    static final int LO = 1 << 16;

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
        for (int i = 0; i < s; i++) mode[i] = k[i] <= 0 ? Mode.NONE : k[i] >= n ? Mode.ALL : Mode.THRESHOLD;
    }

    static int absBits(float f) { return Float.floatToRawIntBits(f) & 0x7FFFFFFF; }

    boolean anyThreshold() {
        for (Mode m : mode) if (m == Mode.THRESHOLD) return true;
        return false;
    }

    /** The next pass, or null when thresholds (and tie ranks) are known. {@code deltas} gives |d| bits per model. */
    Pass<?> nextPass(DeltaSource src) {
        if (stage == 0) {
            stage = anyThreshold() ? 1 : 4;
            if (stage == 1) return hiPass(src);
        }
        if (stage == 2) { stage = 3; return loPass(src); }
        if (stage == 3) {
            boolean any = false;
            for (boolean r : ranked) any |= r;
            stage = 4;
            if (any) return eqPass(src);
        }
        return null;
    }

    /** Supplies |d| bits of model m for element j of a chunk. */
    interface DeltaSource {
        int absBits(Chunk c, int m, int j);
    }

    private Pass<long[][]> hiPass(DeltaSource src) {
        return new Pass<>("top-k histogram (high bits)", true) {
            public long[][] newAcc() {
                long[][] h = new long[models][];
                for (int i = 0; i < s; i++) if (mode[i] == Mode.THRESHOLD && h[model[i]] == null) h[model[i]] = new long[HI];
                return h;
            }

            public void accumulate(Chunk c, long[][] acc) {
                for (int m = 0; m < models; m++) {
                    long[] h = acc[m];
                    if (h == null) continue;
                    for (int j = 0; j < c.len; j++) h[src.absBits(c, m, j) >>> 16]++;
                }
            }

            public void finish(List<long[][]> accs) {
                for (int i = 0; i < s; i++) {
                    if (mode[i] != Mode.THRESHOLD) continue;
                    long[] h = new long[HI];
                    for (long[][] a : accs) { long[] x = a[model[i]]; for (int b = 0; b < HI; b++) h[b] += x[b]; }
                    long cum = 0;
                    for (int b = HI - 1; b >= 0; b--) {
                        if (cum + h[b] >= k[i]) { bucket[i] = b; aboveHi[i] = cum; break; }
                        cum += h[b];
                    }
                }
                stage = 2;
            }
        };
    }

    private Pass<long[][]> loPass(DeltaSource src) {
        return new Pass<>("top-k histogram (low bits)", true) {
            public long[][] newAcc() {
                long[][] h = new long[s][];
                for (int i = 0; i < s; i++) if (mode[i] == Mode.THRESHOLD) h[i] = new long[LO];
                return h;
            }

            public void accumulate(Chunk c, long[][] acc) {
                for (int i = 0; i < s; i++) {
                    long[] h = acc[i];
                    if (h == null) continue;
                    int m = model[i], b = bucket[i];
                    for (int j = 0; j < c.len; j++) {
                        int bits = src.absBits(c, m, j);
                        if ((bits >>> 16) == b) h[bits & 0xFFFF]++;
                    }
                }
            }

            public void finish(List<long[][]> accs) {
                for (int i = 0; i < s; i++) {
                    if (mode[i] != Mode.THRESHOLD) continue;
                    long[] h = new long[LO];
                    for (long[][] a : accs) for (int b = 0; b < LO; b++) h[b] += a[i][b];
                    long rem = k[i] - aboveHi[i], cum = 0;
                    for (int lo = LO - 1; lo >= 0; lo--) {
                        if (cum + h[lo] >= rem) {
                            thr[i] = (bucket[i] << 16) | lo;
                            need[i] = rem - cum;
                            eqTotal[i] = h[lo];
                            ranked[i] = !keepTies && need[i] < eqTotal[i];
                            break;
                        }
                        cum += h[lo];
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
                    for (int j = 0; j < c.len; j++) if (src.absBits(c, m, j) == t) n++;
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
