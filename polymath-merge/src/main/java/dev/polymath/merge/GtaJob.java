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

    static int deltaBits(Chunk c, int i, int j) {
        return TopKSelection.absBits(c.x[i][j] - c.base[j]);
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

    /** Per chunk: decides keep/drop for each model, element by element in index order. */
    private final class Decider {
        final TopKSelection.Keeper keeper;
        final long start;

        Decider(Chunk c) {
            keeper = sel == null ? null : sel.keeper(globalSel ? 0 : c.index);
            start = c.start;
        }

        boolean keep(int i, int j, float d) {
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
                        ? DropMask.Seeded.keepWithKey(dropKeys[i], start + j, rho[i])
                        : ctx.dropMask.keep(ctx.name, i, start + j, rho[i]);
                case NONE -> true;
            };
        }
    }

    private Pass<double[]> l1Pass() {
        return new Pass<>("L1 norms for rescaling", false) {
            public double[] newAcc() { return new double[2 * m]; }

            public void accumulate(Chunk c, double[] acc) {
                Decider dec = new Decider(c);
                for (int j = 0; j < c.len; j++) {
                    float b = c.base[j];
                    for (int i = 0; i < m; i++) {
                        float d = c.x[i][j] - b;
                        double a = Math.abs(d);
                        acc[i] += a;
                        if (dec.keep(i, j, d)) acc[m + i] += a;
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

    @Override
    public void apply(Chunk c, float[] out, StatsAcc st) {
        final int m = this.m;
        final float[] base = c.base;
        final float[] d = new float[m];
        final float[] wt = new float[m];
        final Decider dec = new Decider(c);
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
                float t = dec.keep(i, j, di) ? di : 0f;
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
