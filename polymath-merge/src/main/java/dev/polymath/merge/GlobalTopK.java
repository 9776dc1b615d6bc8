package dev.polymath.merge;

import java.util.List;

/** Model-wide top-k thresholds (one per model over all its tensors), found with the two-pass histogram. */
final class GlobalTopK {
    final TopKSelection selection;
    float majoritySign = 1f;

    private GlobalTopK(TopKSelection selection) { this.selection = selection; }

    /**
     * {@code fusionBenchRule}: keep |d| >= the (n - floor(n density))-th smallest value (FusionBench's
     * {@code kthvalue}), i.e. the floor(n density) + 1 largest plus ties; otherwise keep |d| >= the
     * floor(density n)-th largest (all ties kept).
     */
    static GlobalTopK compute(MergeMethod.ModelScan scan, boolean fusionBenchRule) {
        TensorContext mc = scan.modelContext();
        long n = scan.totalElements();
        int m = mc.models;
        int[] mod = new int[m];
        long[] k = new long[m];
        for (int i = 0; i < m; i++) {
            mod[i] = i;
            double rho = mc.num(i, "density");
            if (rho >= 1) k[i] = n;
            else k[i] = fusionBenchRule ? (long) (n * rho) + 1 : (long) (rho * n);
        }
        var sel = new TopKSelection(m, mod, k, n, true);
        Pass<?> p;
        while ((p = sel.nextPass(GtaJob::deltaBits)) != null) scan.run(p);
        return new GlobalTopK(sel);
    }

    /** FusionBench resolves a zero elected sign to the sign of the sum of all elected signs. */
    void computeMajoritySign(MergeMethod.ModelScan scan) {
        TensorContext mc = scan.modelContext();
        int m = mc.models;
        float[] w = new float[m];
        for (int i = 0; i < m; i++) w[i] = (float) mc.num(i, "weight");
        long[] total = new long[1];
        scan.run(new Pass<long[]>("majority sign", true) {
            public long[] newAcc() { return new long[1]; }

            public void accumulate(Chunk c, long[] acc) {
                var keeper = selection.keeper(0);
                long s = 0;
                for (int j = 0; j < c.len; j++) {
                    float sum = 0f;
                    for (int i = 0; i < m; i++) {
                        float d = c.x[i][j] - c.base[j];
                        float t = keeper.inTop(i, TopKSelection.absBits(d)) ? d : 0f;
                        sum = i == 0 ? t * w[i] : sum + t * w[i];
                    }
                    s += (long) Math.signum(sum);
                }
                acc[0] += s;
            }

            public void finish(List<long[]> accs) {
                for (long[] a : accs) total[0] += a[0];
            }
        });
        majoritySign = Math.signum((float) total[0]);
    }
}
