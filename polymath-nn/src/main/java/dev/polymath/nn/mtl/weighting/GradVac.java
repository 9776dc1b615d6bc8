package dev.polymath.nn.mtl.weighting;

import dev.polymath.core.util.Seeds;
import java.util.SplittableRandom;

/**
 * Gradient Vaccine (GradVac): Wang et al., "Gradient Vaccine: Investigating and Improving Multi-task
 * Optimization in Massively Multilingual Models", ICLR 2021, as in LibMTL. Per parameter group {@code k}
 * (default: the whole model, LibMTL {@code GradVac_group_type=0}; optionally contiguous groups, e.g. one per
 * layer or per parameter tensor as LibMTL's types 1 and 2), for each task {@code i} and the other tasks
 * {@code j} in a fresh random order:
 * <pre>
 *   rho = pc_i . g_j / (||pc_i|| ||g_j|| + 1e-8)
 *   if rho &lt; phi_ijk:  pc_i += ||pc_i|| (phi sqrt(1 - rho^2) - rho sqrt(1 - phi^2)) / (||g_j|| sqrt(1 - phi^2) + 1e-8) g_j
 *   phi_ijk = (1 - beta) phi_ijk + beta rho          (EMA target, starts at 0)
 * </pre>
 * and the shared gradient is {@code sum_i pc_i}. Computed in Gram space per group. Weights: the effective
 * coefficients {@code sum_i c_ij} of the raw gradients (exact for one group; with several groups the
 * size-weighted mean over groups, for the record only). LibMTL reports ones. Orders come from
 * a stream of (seed, step), so resuming needs no random state. Parameter gradients only.
 */
public final class GradVac extends AbstractWeighting {
    /**
     * @param beta       EMA decay, LibMTL {@code --GradVac_beta}: 0.5
     * @param groupSizes sizes of contiguous parameter groups summing to P, or null for the whole model
     */
    public record Params(double beta, int[] groupSizes) {
        public static final Params DEFAULTS = new Params(0.5, null);
    }

    private final Params params;
    private double[][][] rhoTarget; // [i][j][k]

    public GradVac() {
        this(Params.DEFAULTS);
    }

    public GradVac(Params params) {
        this.params = params;
    }

    @Override
    public String name() {
        return "gradvac";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.PARAMETERS;
    }

    @Override
    protected void onReset() {
        rhoTarget = null;
    }

    @Override
    public java.util.Map<String, double[]> state() {
        var s = new java.util.LinkedHashMap<String, double[]>();
        if (rhoTarget == null) return s;
        int groups = rhoTarget[0][0].length;
        double[] flat = new double[tasks * tasks * groups];
        for (int i = 0; i < tasks; i++) for (int j = 0; j < tasks; j++) System.arraycopy(rhoTarget[i][j], 0, flat, (i * tasks + j) * groups, groups);
        s.put("targets", flat);
        return s;
    }

    @Override
    public void restoreState(java.util.Map<String, double[]> state) {
        if (!state.containsKey("targets")) {
            rhoTarget = null;
            return;
        }
        double[] flat = WeightingState.get(name(), state, "targets", -1);
        int groups = flat.length / (tasks * tasks);
        rhoTarget = new double[tasks][tasks][];
        for (int i = 0; i < tasks; i++) for (int j = 0; j < tasks; j++) rhoTarget[i][j] = java.util.Arrays.copyOfRange(flat, (i * tasks + j) * groups, (i * tasks + j + 1) * groups);
    }

    /** EMA targets phi[i][j][group] (a copy), or null before the first step. */
    public double[][][] targets() {
        if (rhoTarget == null) return null;
        double[][][] c = new double[tasks][tasks][];
        for (int i = 0; i < tasks; i++) for (int j = 0; j < tasks; j++) c[i][j] = rhoTarget[i][j].clone();
        return c;
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(Seeds.mix(seed, "gradvac"), input.step()));
        float[][] g = input.gradients();
        int p = g[0].length;
        int[] bounds = groupBounds(p);
        int groups = bounds.length - 1;
        if (rhoTarget == null) rhoTarget = new double[tasks][tasks][groups];
        double[][][] gram = new double[groups][tasks][tasks];
        for (int k = 0; k < groups; k++) {
            for (int i = 0; i < tasks; i++) {
                for (int j = i; j < tasks; j++) {
                    double d = GradMath.dot(g[i], g[j], bounds[k], bounds[k + 1]);
                    gram[k][i][j] = d;
                    gram[k][j][i] = d;
                }
            }
        }
        // coef[k][i][m]: pc_i restricted to group k = sum_m coef[k][i][m] g_m
        double[][][] coef = new double[groups][tasks][tasks];
        for (int k = 0; k < groups; k++) for (int i = 0; i < tasks; i++) coef[k][i][i] = 1;
        double beta = params.beta();
        for (int i = 0; i < tasks; i++) {
            int[] others = new int[tasks - 1];
            for (int m = 0, o = 0; m < tasks; m++) if (m != i) others[o++] = m;
            Seeds.shuffle(others, rng);
            for (int j : others) {
                for (int k = 0; k < groups; k++) {
                    double[][] gk = gram[k];
                    double[] c = coef[k][i];
                    double dot = 0;
                    for (int m = 0; m < tasks; m++) dot += c[m] * gk[m][j];
                    double pcNorm = Math.sqrt(Math.max(GradMath.quad(c, gk, c), 0));
                    double gjNorm = Math.sqrt(Math.max(gk[j][j], 0));
                    double rho = dot / (pcNorm * gjNorm + 1e-8);
                    double phi = rhoTarget[i][j][k];
                    if (rho < phi) {
                        double sPhi = Math.sqrt(Math.max(1 - phi * phi, 0));
                        double sRho = Math.sqrt(Math.max(1 - rho * rho, 0));
                        double w = pcNorm * (phi * sRho - rho * sPhi) / (gjNorm * sPhi + 1e-8);
                        c[j] += w;
                    }
                    rhoTarget[i][j][k] = (1 - beta) * phi + beta * rho;
                }
            }
        }
        float[] shared = new float[p];
        double[] weights = new double[tasks];
        for (int k = 0; k < groups; k++) {
            double[] total = new double[tasks];
            for (int i = 0; i < tasks; i++) for (int m = 0; m < tasks; m++) total[m] += coef[k][i][m];
            GradMath.combineInto(g, total, shared, bounds[k], bounds[k + 1]);
            double share = (double) (bounds[k + 1] - bounds[k]) / p;
            for (int m = 0; m < tasks; m++) weights[m] += share * total[m];
        }
        return new WeightingResult(weights, shared);
    }

    private int[] groupBounds(int p) {
        int[] sizes = params.groupSizes();
        if (sizes == null || sizes.length == 0) return new int[] {0, p};
        int[] b = new int[sizes.length + 1];
        for (int k = 0; k < sizes.length; k++) {
            if (sizes[k] <= 0) throw new IllegalArgumentException("GradVac group sizes must be positive");
            b[k + 1] = b[k] + sizes[k];
        }
        if (b[sizes.length] != p) {
            throw new IllegalArgumentException("GradVac group sizes sum to " + b[sizes.length] + ", gradients have " + p);
        }
        return b;
    }
}
