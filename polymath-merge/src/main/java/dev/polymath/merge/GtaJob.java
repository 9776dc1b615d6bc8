package dev.polymath.merge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The per-tensor job of {@link GeneralizedTaskArithmetic} and {@link GlobalTies}; arithmetic order documented there. */
final class GtaJob implements TensorJob {
    enum ZeroSign { POSITIVE, MAJORITY }

    enum Aggregate { MERGEKIT, SUM, MEAN, MAX }

    record Spec(GeneralizedTaskArithmetic.Sparsify sparsify, String consensus, ZeroSign zeroSign, Aggregate aggregate,
                boolean normalize, boolean rescale, String rescaleMode) {}

    private final TensorContext ctx;
    private final Spec spec;
    private final int m;
    private final float[] w;
    private final double[] rho;
    private final float lambda;
    private final TopKSelection sel;          // tensor-scope selection, or the model-wide one
    private final boolean globalSel;
    private final float majoritySign;         // for ZeroSign.MAJORITY
    private final boolean[] active;           // sparsification active for model i (density < 1)
    private final float[] scale;              // L1 rescale factors
    private final long[] dropKeys;
    private final boolean allPositive;      // every weight > 0 (finite): agreeing weights never sum to 0
    private double[] l1Before, l1After;
    private int stage;

    GtaJob(TensorContext ctx, Spec spec) {
        this.ctx = ctx;
        this.spec = spec;
        this.m = ctx.models;
        w = new float[m];
        rho = new double[m];
        active = new boolean[m];
        scale = new float[m];
        dropKeys = new long[m];
        for (int i = 0; i < m; i++) {
            w[i] = (float) ctx.num(i, "weight");
            rho[i] = ctx.num(i, "density");
            active[i] = spec.sparsify() != GeneralizedTaskArithmetic.Sparsify.NONE && rho[i] < 1;
            scale[i] = 1f;
            dropKeys[i] = ctx.dropMask.key(ctx.name, i);
        }
        lambda = (float) ctx.num("lambda");
        boolean pos = true;
        for (int i = 0; i < m; i++) pos &= w[i] > 0 && w[i] < Float.POSITIVE_INFINITY;
        allPositive = pos;
        if (ctx.modelLevel instanceof GlobalTopK g) {
            sel = g.selection;
            globalSel = true;
            majoritySign = g.majoritySign;
        } else {
            globalSel = false;
            majoritySign = 1f;
            sel = switch (spec.sparsify()) {
                case MAGNITUDE -> {
                    int[] mod = new int[m];
                    long[] k = new long[m];
                    for (int i = 0; i < m; i++) {
                        mod[i] = i;
                        k[i] = active[i] ? (long) (rho[i] * ctx.numel) : ctx.numel;
                    }
                    yield new TopKSelection(m, mod, k, ctx.numel, false);
                }
                case MAGNITUDE_OUTLIERS -> {
                    int[] mod = new int[2 * m];
                    long[] k = new long[2 * m];
                    for (int i = 0; i < m; i++) {
                        long n = ctx.numel;
                        long target = (long) (rho[i] * n);
                        long top = (long) (ctx.num(i, "gamma") * n);
                        long bot = n - target - top;
                        if (bot < 0) top += bot;
                        mod[2 * i] = i;
                        mod[2 * i + 1] = i;
                        k[2 * i] = active[i] ? top + target : n;     // within the top (top + target) ...
                        k[2 * i + 1] = active[i] ? top : 0;          // ... but not within the top `top`
                    }
                    yield new TopKSelection(m, mod, k, ctx.numel, false);
                }
                default -> null;
            };
        }
    }

    /** |x_i - base| bits of the block, for the top-k passes. */
    static void deltaBits(Chunk c, int i, int[] dst) {
        float[] x = c.x[i], b = c.base;
        for (int j = 0; j < c.len; j++) dst[j] = Float.floatToRawIntBits(x[j] - b[j]) & 0x7FFFFFFF;
    }

    @Override
    public int maxPasses() {
        int p = 0;
        if (sel != null && !globalSel) p += 3;
        if (spec.rescale() && "l1".equals(spec.rescaleMode())) p += 1;
        return p;
    }

    @Override
    public Pass<?> nextPass() {
        if (stage == 0) {
            if (sel != null && !globalSel) {
                Pass<?> p = sel.nextPass(GtaJob::deltaBits);
                if (p != null) return p;
            }
            stage = 1;
        }
        if (stage == 1) {
            stage = 2;
            boolean any = false;
            for (boolean a : active) any |= a;
            if (spec.rescale() && "l1".equals(spec.rescaleMode()) && any) return l1Pass();
        }
        return null;
    }

    /** Per chunk: decides keep/drop for each model, element by element in index order (tie counters run across the chunk's blocks). */
    private final class Decider {
        final TopKSelection.Keeper keeper;

        Decider(Chunk c) {
            keeper = sel == null ? null : sel.keeper(globalSel ? 0 : c.index);
        }

        boolean keep(int i, long index, float d) {
            if (!active[i]) return true;
            return switch (spec.sparsify()) {
                case MAGNITUDE -> keeper.inTop(i, TopKSelection.absBits(d));
                case MAGNITUDE_OUTLIERS -> {
                    int bits = TopKSelection.absBits(d);
                    boolean big = keeper.inTop(2 * i, bits);
                    boolean small = keeper.inTop(2 * i + 1, bits);
                    yield big && !small;
                }
                case RANDOM -> ctx.dropMask instanceof DropMask.Seeded
                        ? DropMask.Seeded.keepWithKey(dropKeys[i], index, rho[i])
                        : ctx.dropMask.keep(ctx.name, i, index, rho[i]);
                case NONE -> true;
            };
        }
    }

    /** The chunk's decider, created at its first block and kept in {@link Chunk#state} for the next ones. */
    private Decider decider(Chunk c) {
        if (c.state instanceof Decider d) return d;
        Decider d = new Decider(c);
        c.state = d;
        return d;
    }

    private Pass<double[]> l1Pass() {
        return new Pass<>("L1 norms for rescaling", false) {
            public double[] newAcc() { return new double[2 * m]; }

            public void accumulate(Chunk c, double[] acc) {
                Decider dec = decider(c);
                for (int j = 0; j < c.len; j++) {
                    float b = c.base[j];
                    for (int i = 0; i < m; i++) {
                        float d = c.x[i][j] - b;
                        double a = Math.abs(d);
                        acc[i] += a;
                        if (dec.keep(i, c.start + j, d)) acc[m + i] += a;
                    }
                }
            }

            public void finish(List<double[]> accs) {
                l1Before = new double[m];
                l1After = new double[m];
                for (double[] a : accs) for (int i = 0; i < m; i++) { l1Before[i] += a[i]; l1After[i] += a[m + i]; }
                for (int i = 0; i < m; i++) {
                    scale[i] = (!active[i] || l1Before[i] < 1e-7 || l1After[i] < 1e-7) ? 1f : (float) (l1Before[i] / l1After[i]);
                }
            }
        };
    }

    /**
     * Merges one block column by column (model by model over the block, then across models), which the JIT
     * turns into tight, mostly vectorized loops. Every element sees exactly the float32 operations of
     * {@link #applyScalar}, in the same order; statistics accumulate in the same order per accumulator.
     */
    /** Tests only: route every block through {@link #applyScalar} (the element-by-element reference). */
    static volatile boolean forceScalar;

    @Override
    public void apply(Chunk c, float[] out, StatsAcc st) {
        if (forceScalar || spec.aggregate() == Aggregate.MEAN || spec.aggregate() == Aggregate.MAX) {
            applyScalar(c, out, st);
            return;
        }
        final int m = this.m, n = c.len;
        final float[] base = c.base;
        final boolean count = "count".equals(spec.consensus());
        float wsum = 0f;
        for (int i = 0; i < m; i++) wsum += w[i];
        if (Math.abs(wsum) < 1e-8f) wsum = 1f;
        st.hasTaskVectors = true;
        st.hasSparsity = spec.sparsify() != GeneralizedTaskArithmetic.Sparsify.NONE;
        st.hasConsensus = !"none".equals(spec.consensus());

        // 1. task vectors d_i = x_i - base, and their statistics
        final float[][] wt = new float[m][];
        for (int i = 0; i < m; i++) {
            wt[i] = c.tmp(i);
            GtaKernels.deltas(c.x[i], base, wt[i], n);
        }
        st.addDeltaBlock(wt, n);

        // 2. per model: keep or drop, rescale, count kept, weight -> wt_i. The float-only threshold kernel is
        // exact for blocks without NaN; the sum of the weighted vectors (computed next anyway) is finite exactly
        // when every wt_i is, otherwise the block is redone with the bit-mask kernels.
        final long[] kept = new long[m];
        final boolean[] fast = new boolean[m];
        keepAndWeight(c, wt, kept, fast);
        final boolean cons = !"none".equals(spec.consensus());
        final float[] sum = cons ? c.tmp(m + 1) : c.tmp(m);
        sumInto(wt, sum, n);
        boolean anyFast = false;
        for (boolean f : fast) anyFast |= f;
        // the finiteness check matters only to the float-only kernels (fast keep above, consensus below)
        boolean finite = (anyFast || cons) && GtaKernels.maxAbs(sum, n) < Float.POSITIVE_INFINITY;
        if (!finite && anyFast) {
            boolean redo = false;
            for (int i = 0; i < m; i++) {
                if (!fast[i]) continue;
                GtaKernels.deltas(c.x[i], base, wt[i], n);
                kept[i] = GtaKernels.keepAtLeast(wt[i], sel.thr[i], w[i], n);
                redo = true;
            }
            if (redo) sumInto(wt, sum, n);
        }
        for (int i = 0; i < m; i++) st.kept[i] += kept[i];

        // 3. combine across models
        final float[] mix = c.tmp(m);
        if (!cons) {
            if (spec.normalize()) {
                final float ws = wsum;
                for (int j = 0; j < n; j++) mix[j] = mix[j] / ws;
            }
        } else {
            // el: the elected sign as +1 / -1 (-1 also where the reference elects 0: then only x < 0 agrees)
            final float[] el = sum, den = c.tmp(m + 2);
            if (count) {
                float[] t0 = wt[0];
                for (int j = 0; j < n; j++) el[j] = Math.signum(t0[j]);
                for (int i = 1; i < m; i++) {
                    float[] t = wt[i];
                    for (int j = 0; j < n; j++) el[j] += Math.signum(t[j]);
                }
                GtaKernels.signNonNegativePlus(el, n);
            } else if (spec.zeroSign() == ZeroSign.POSITIVE) {
                if (finite) GtaKernels.signNonNegativePlusFinite(el, n);
                else GtaKernels.signNonNegativePlus(el, n);
            } else {
                final float ms = majoritySign > 0 ? 1f : -1f;
                for (int j = 0; j < n; j++) { float s = el[j]; el[j] = s > 0 ? 1f : s < 0 ? -1f : ms; }
            }
            if (finite) {
                final float[] cf = c.tmp(m + 3);
                for (int i = 0; i < m; i++) GtaKernels.aggregateFinite(wt[i], el, w[i], mix, den, cf, n, i == 0);
                st.conflicts += GtaKernels.count(cf, n);
            } else {
                final int[] cf = c.itmp(0);
                for (int i = 0; i < m; i++) GtaKernels.aggregate(wt[i], el, w[i], mix, den, cf, n, i == 0);
                st.conflicts += GtaKernels.sum(cf, n);
            }
            if (spec.aggregate() == Aggregate.MERGEKIT && spec.normalize()) {
                if (allPositive) GtaKernels.divideByNonZeroPositiveWeights(mix, den, n);
                else GtaKernels.divideByNonZero(mix, den, n);
            }
        }

        // 4. lambda, then base + mixed
        GtaKernels.finish(base, mix, lambda, out, n);
        st.count += n;
    }

    /** dst = wt[0] + wt[1] + ... (left to right, as the reference adds). */
    private void sumInto(float[][] wt, float[] dst, int n) {
        System.arraycopy(wt[0], 0, dst, 0, n);
        for (int i = 1; i < m; i++) GtaKernels.add(dst, wt[i], n);
    }

    /**
     * Step 2 of {@link #apply} for every model: wt[i] (holding d_i) becomes the kept, rescaled, weighted vector;
     * kept[i] the number of non-zeros kept. Finite, positive thresholds use {@link GtaKernels#keepAtLeastFinite},
     * exact unless the block holds a NaN; {@code fast[i]} says which models did.
     */
    private void keepAndWeight(Chunk c, float[][] wt, long[] kept, boolean[] fast) {
        final int n = c.len;
        final boolean invDensity = spec.rescale() && "inverse_density".equals(spec.rescaleMode());
        final boolean l1 = spec.rescale() && "l1".equals(spec.rescaleMode());
        final boolean counted = spec.sparsify() != GeneralizedTaskArithmetic.Sparsify.NONE;
        for (int i = 0; i < m; i++) {
            final float[] t = wt[i];
            final float wi = w[i];
            int thr = -1;                                  // -1: keep all; otherwise keep |d| bits >= thr
            boolean scalarKeep = false, dropAll = false;
            if (active[i]) {
                if (spec.sparsify() == GeneralizedTaskArithmetic.Sparsify.MAGNITUDE) {
                    switch (sel.mode[i]) {
                        case NONE -> dropAll = true;
                        case ALL -> thr = -1;
                        default -> {
                            if (sel.ranked[i]) scalarKeep = true;
                            else thr = sel.thr[i];
                        }
                    }
                } else if (spec.sparsify() != GeneralizedTaskArithmetic.Sparsify.NONE) {
                    scalarKeep = true;
                }
            }
            boolean rescale = active[i] && (invDensity || l1);
            if (scalarKeep || dropAll || rescale) {
                if (dropAll) {
                    java.util.Arrays.fill(t, 0, n, 0f);
                } else if (scalarKeep) {
                    Decider dec = decider(c);
                    long s0 = c.start;
                    for (int j = 0; j < n; j++) t[j] = dec.keep(i, s0 + j, t[j]) ? t[j] : 0f;
                } else if (thr >= 0) {
                    GtaKernels.keepAtLeast(t, thr, 1f, n);     // x 1f is exact: only selects here
                }
                if (rescale) {
                    if (invDensity) {
                        float r = (float) rho[i];
                        for (int j = 0; j < n; j++) { float v = t[j]; if (v != 0f) t[j] = v / r; }
                    } else {
                        float f = scale[i];
                        for (int j = 0; j < n; j++) { float v = t[j]; if (v != 0f) t[j] = v * f; }
                    }
                }
                kept[i] = GtaKernels.weight(t, wi, n);
            } else if (thr > 0 && thr < 0x7F800000) {
                kept[i] = GtaKernels.keepAtLeastFinite(t, Float.intBitsToFloat(thr), wi, n);
                fast[i] = true;
            } else if (thr >= 0) {
                kept[i] = GtaKernels.keepAtLeast(t, thr, wi, n);
            } else if (counted) {
                kept[i] = GtaKernels.weight(t, wi, n);
            } else {
                GtaKernels.scale(t, wi, n);                 // nothing reports kept counts without sparsification
                kept[i] = 0;
            }
        }
    }

    /** The element-by-element reference implementation (kept for the aggregates the block kernel does not cover, and for tests). */
    void applyScalar(Chunk c, float[] out, StatsAcc st) {
        final int m = this.m;
        final float[] base = c.base;
        final float[] d = new float[m];
        final float[] wt = new float[m];
        final Decider dec = decider(c);
        final boolean cons = !"none".equals(spec.consensus());
        final boolean count = "count".equals(spec.consensus());
        final boolean invDensity = spec.rescale() && "inverse_density".equals(spec.rescaleMode());
        final boolean l1 = spec.rescale() && "l1".equals(spec.rescaleMode());
        final float[] rhoF = new float[m];
        for (int i = 0; i < m; i++) rhoF[i] = (float) rho[i];
        float wsum = 0f;
        for (int i = 0; i < m; i++) wsum += w[i];
        if (Math.abs(wsum) < 1e-8f) wsum = 1f;
        st.hasTaskVectors = true;
        st.hasSparsity = spec.sparsify() != GeneralizedTaskArithmetic.Sparsify.NONE;
        st.hasConsensus = cons;
        for (int j = 0; j < c.len; j++) {
            final float b = base[j];
            for (int i = 0; i < m; i++) {
                float di = c.x[i][j] - b;
                d[i] = di;
                float t = dec.keep(i, c.start + j, di) ? di : 0f;
                if (t != 0f && active[i]) {
                    if (invDensity) t = t / rhoF[i];
                    else if (l1) t = t * scale[i];
                }
                if (t != 0f) st.kept[i]++;
                wt[i] = t * w[i];
            }
            st.addDeltas(d);
            float mixed;
            if (!cons) {
                mixed = wt[0];
                for (int i = 1; i < m; i++) mixed += wt[i];
                if (spec.normalize()) mixed = mixed / wsum;
            } else {
                float elected;
                if (count) {
                    float sc = Math.signum(wt[0]);
                    for (int i = 1; i < m; i++) sc += Math.signum(wt[i]);
                    elected = sc >= 0 ? 1f : -1f;
                } else {
                    float s = wt[0];
                    for (int i = 1; i < m; i++) s += wt[i];
                    if (spec.zeroSign() == ZeroSign.POSITIVE) elected = s >= 0 ? 1f : -1f;
                    else elected = s > 0 ? 1f : s < 0 ? -1f : majoritySign;
                }
                float num = 0f, den = 0f, maxAbs = 0f;
                int nz = 0;
                boolean conflict = false;
                for (int i = 0; i < m; i++) {
                    float x = wt[i];
                    boolean agree = elected > 0 ? x > 0 : elected < 0 ? x < 0 : x < 0;
                    if (x != 0 && !agree) conflict = true;
                    float sel = agree ? x : 0f;
                    num = i == 0 ? sel : num + sel;
                    float dw = agree ? w[i] : 0f;
                    den = i == 0 ? dw : den + dw;
                    if (agree) { nz++; maxAbs = Math.max(maxAbs, Math.abs(x)); }
                }
                if (conflict) st.conflicts++;
                mixed = switch (spec.aggregate()) {
                    case MERGEKIT -> spec.normalize() ? num / (den == 0f ? 1f : den) : num;
                    case SUM -> num;
                    case MEAN -> num / Math.max(nz, 1);
                    case MAX -> maxAbs * elected;
                };
            }
            if (lambda != 1f) mixed = mixed * lambda;
            out[j] = b + mixed;
        }
        st.count += c.len;
    }

    @Override
    public Map<String, Object> extraStats() {
        var e = new LinkedHashMap<String, Object>();
        if (sel != null && !globalSel) e.put("topk", sel.describe());
        if (l1Before != null) {
            var sc = new ArrayList<Object>();
            for (int i = 0; i < m; i++) sc.add(scale[i]);
            e.put("l1_rescale_factors", sc);
        }
        return e;
    }
}
