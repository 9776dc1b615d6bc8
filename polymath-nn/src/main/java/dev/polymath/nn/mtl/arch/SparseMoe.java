package dev.polymath.nn.mtl.arch;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.core.util.Seeds;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Sparsely-gated mixture of experts (Shazeer et al., ICLR 2017) with one gate per task: {@code experts} shared
 * experts (copies of the backbone); task t's gate keeps the {@code k} largest of its noisy logits
 * {@code H = x W_g + eps * softplus(x W_noise)}, {@code eps ~ N(0, 1)} (noise only while training), and
 * takes a softmax over those k, so every other expert gets exactly zero weight. {@code W_g} and
 * {@code W_noise} start at zero, as in the paper, so routing starts balanced.
 * <p><b>Load balancing</b> (the paper's, not Switch's): per task, {@code balance-weight * (CV^2(importance) +
 * CV^2(load))} where importance is the batch sum of the gate values, load the batch sum of the smooth
 * probability that each expert is among the top k under resampled noise, {@code Phi((clean_e -
 * kth_excluding_e(H)) / softplus(x W_noise)_e)} (without noise, the number of examples routed to each expert),
 * and {@code CV^2 = variance / mean^2} with the population variance. Its minimum, 0, is reached exactly when
 * routing is uniform. It is the net's {@link MtlNet#auxiliaryLoss}, summed over tasks.
 * <p><b>Expert capacity</b> (training only, so evaluation does not depend on the batch): each expert takes at
 * most {@code ceil(capacity-factor * k * B / experts)} examples per task gate, in batch order; an example over
 * capacity is dropped for that expert — its weight on it becomes 0 and the remaining weights are not
 * renormalized (as in GShard and Switch); an example dropped by all its experts reaches the head as a zero
 * vector. {@code capacity-factor} 0 means no limit.
 * <p><b>Sparse compute.</b> {@link Net#represent} routes the batch through every task's gate first, then runs
 * each expert only on the examples some gate kept for it (gather, expert, scatter back into a zero
 * {@code [E, B, D]} stack); each task's output mixes that stack with its own gate weights, so an expert's work
 * is the union of what the tasks send it, and the result equals the dense computation on the same routing.
 * {@link Net#represent(Graph, PtNDArray[], PtNDArray, int)} (one batch per task) routes and computes for that
 * task's gate alone. Option {@code dense=true} instead runs every expert on the whole batch and masks (for
 * comparisons). The noise comes from a stream seeded by the net's seed, drawn in task order, so a run is
 * reproducible (and identical in both modes); a resumed run restarts that stream.
 * Options: {@code experts} (default 4), {@code k} (default 2), {@code noise} (default true),
 * {@code capacity-factor} (default 2), {@code balance-weight} (default 0.01), {@code dense} (default false).
 */
public final class SparseMoe implements Architecture {
    @Override
    public String name() {
        return "sparse_moe";
    }

    @Override
    public String description() {
        return "sparse top-k mixture of experts with noisy gating, load-balancing loss and expert capacity, a gate per task";
    }

    @Override
    public java.util.Set<String> options() {
        return Set.of("experts", "k", "noise", "capacity-factor", "balance-weight", "dense");
    }

    @Override
    public MtlNet build(NetSpec spec, NDManager manager) {
        spec.requireKnownOptions(name(), options());
        int experts = spec.intOption("experts", 4);
        int k = spec.intOption("k", 2);
        boolean noise = spec.booleanOption("noise", true);
        double capacityFactor = spec.doubleOption("capacity-factor", 2.0);
        double balanceWeight = spec.doubleOption("balance-weight", 0.01);
        boolean dense = spec.booleanOption("dense", false);
        if (experts < 1) throw new IllegalArgumentException(name() + ": experts must be >= 1, got " + experts);
        if (k < 1 || k > experts) throw new IllegalArgumentException(name() + ": k must be between 1 and experts=" + experts + ", got k=" + k);
        if (!(capacityFactor >= 0)) throw new IllegalArgumentException(name() + ": capacity-factor must be >= 0 (0 = no limit), got " + capacityFactor);
        if (!(balanceWeight >= 0)) throw new IllegalArgumentException(name() + ": balance-weight must be >= 0, got " + balanceWeight);
        var b = Parameters.builder(spec.seed());
        List<Backbone.Instance> ex = new ArrayList<>();
        for (int e = 0; e < experts; e++) ex.add(spec.backbone().declare(b, "shared.expert" + e + ".", -1));
        int in = Math.toIntExact(spec.backbone().inputSize());
        int width = spec.backbone().outputWidth();
        List<Parameters.LinearRef> gates = new ArrayList<>(), noises = new ArrayList<>(), heads = new ArrayList<>();
        for (int t = 0; t < spec.tasks(); t++) {
            String pre = "task" + t + ".";
            gates.add(zeroLinear(b, pre + "gate", t, in, experts));
            noises.add(zeroLinear(b, pre + "gate_noise", t, in, experts));
            heads.add(b.linear(pre + "head", t, width, spec.taskOutputs().get(t)));
        }
        Parameters params = b.build(manager);
        String desc = "sparse_moe(" + experts + " x " + spec.backbone().describe() + ", top-" + k + (noise ? " noisy" : "")
                + ", capacity " + (capacityFactor > 0 ? capacityFactor : "unlimited") + (dense ? ", dense compute" : "")
                + ", heads " + spec.taskOutputs() + ")";
        return new Net(desc, params, ex, gates, noises, heads, k, noise, capacityFactor, balanceWeight, dense,
                Seeds.stream(spec.seed(), "sparse_moe/noise"));
    }

    private static Parameters.LinearRef zeroLinear(Parameters.Builder b, String name, int task, int in, int out) {
        return new Parameters.LinearRef(b.add(name + ".weight", task, Parameters.Init.constant(0), out, in),
                b.add(name + ".bias", task, Parameters.Init.constant(0), out));
    }

    /**
     * One task gate's routing of a batch.
     *
     * @param gates      {@code [B, E]}: softmax over each example's top k, zero elsewhere and where dropped
     * @param importance {@code [E]}: batch sum of the gate values before capacity drops
     * @param load       {@code [E]}: smooth (noisy training) or counted load per expert
     * @param topK       per example, the chosen experts in decreasing logit order
     * @param dropped    (example, expert) assignments dropped for capacity
     * @param kept       per expert, the examples routed to it after capacity drops, in batch order
     */
    public record Routing(PtNDArray gates, PtNDArray importance, PtNDArray load, int[][] topK, int dropped, int[][] kept) {}

    /** A sparse MoE network; {@link #route} exposes the gates. */
    public static final class Net implements MtlNet {
        private final String desc;
        private final Parameters params;
        private final List<Backbone.Instance> experts;
        private final List<Parameters.LinearRef> gates, noises, heads;
        private final int k;
        private final boolean noise;
        private final double capacityFactor, balanceWeight;
        private final boolean dense;
        private final SplittableRandom rng;
        private final AuxiliaryLoss aux = new AuxiliaryLoss();
        /**
         * The routings of the latest sparse {@link #represent} (its graph; per task, null where not routed): taskOutput
         * mixes with the gates the representation was dispatched by, and draws no second noise sample.
         */
        private Graph routedIn;
        private Routing[] routed;

        Net(String desc, Parameters params, List<Backbone.Instance> experts, List<Parameters.LinearRef> gates,
            List<Parameters.LinearRef> noises, List<Parameters.LinearRef> heads, int k, boolean noise, double capacityFactor,
            double balanceWeight, boolean dense, SplittableRandom rng) {
            this.desc = desc;
            this.params = params;
            this.experts = experts;
            this.gates = gates;
            this.noises = noises;
            this.heads = heads;
            this.k = k;
            this.noise = noise;
            this.capacityFactor = capacityFactor;
            this.balanceWeight = balanceWeight;
            this.dense = dense;
            this.rng = rng;
        }

        @Override public String describe() { return desc; }
        @Override public Parameters parameters() { return params; }
        @Override public int tasks() { return heads.size(); }

        @Override
        public PtNDArray represent(Graph g, PtNDArray[] p, PtNDArray x) {
            return represent(g, p, x, -1);
        }

        /** Every task's routing ({@code task} -1) or one task's, then each expert on the examples routed to it. */
        @Override
        public PtNDArray represent(Graph g, PtNDArray[] p, PtNDArray x, int task) {
            if (dense) return Gating.stackExperts(g, p, experts, x);
            Routing[] rs = new Routing[tasks()];
            for (int t = 0; t < rs.length; t++) if (task < 0 || t == task) rs[t] = route(g, p, t, x);
            routedIn = g;
            routed = rs;
            return dispatch(g, p, x, rs);
        }

        /**
         * The experts' outputs {@code [E, B, D]}: expert e computed on the union of the examples the routings
         * keep for it, zero rows for the others (which every gate weighs 0).
         */
        PtNDArray dispatch(Graph g, PtNDArray[] p, PtNDArray x, Routing[] rs) {
            int B = Math.toIntExact(x.getShape().get(0));
            PtNDArray[] outs = new PtNDArray[experts.size()];
            long[] outShape = null;
            var empty = new ArrayList<Integer>();
            for (int e = 0; e < outs.length; e++) {
                boolean[] use = new boolean[B];
                int n = 0;
                for (Routing r : rs) {
                    if (r == null) continue;
                    for (int b : r.kept()[e]) if (!use[b]) { use[b] = true; n++; }
                }
                if (n == 0) { empty.add(e); continue; }
                if (n == B) {
                    outs[e] = experts.get(e).forward(g, p, x);
                } else {
                    int[] rows = new int[n];
                    for (int b = 0, i = 0; b < B; b++) if (use[b]) rows[i++] = b;
                    outs[e] = g.scatterRows(experts.get(e).forward(g, p, g.selectRows(x, rows)), rows, B);
                }
                outShape = outs[e].getShape().getShape();
            }
            if (outShape == null) { // nothing routed anywhere (every assignment dropped): the output shape from one example
                long[] one = experts.get(0).forward(g, p, g.selectRows(x, new int[] {0})).getShape().getShape();
                outShape = one.clone();
                outShape[0] = B;
            }
            for (int e : empty) outs[e] = g.floats(new float[Math.toIntExact(java.util.Arrays.stream(outShape).reduce(1, (a, b) -> a * b))], outShape);
            return g.stack(outs, 0);
        }

        /** Routes a batch through task {@code task}'s gate; training (autograd on) adds noise and capacity. */
        public Routing route(Graph g, PtNDArray[] p, int task, PtNDArray x) {
            boolean training = Graph.gradMode();
            int E = experts.size();
            PtNDArray flat = Gating.flat(g, x);
            int B = Math.toIntExact(flat.getShape().get(0));
            PtNDArray clean = gates.get(task).linear(g, p, flat);
            PtNDArray logits = clean, sigma = null;
            boolean noisy = training && noise;
            if (noisy) {
                sigma = g.addScalar(g.softPlus(noises.get(task).linear(g, p, flat)), 1e-2);
                float[] eps = new float[B * E];
                for (int i = 0; i < eps.length; i++) eps[i] = (float) rng.nextGaussian();
                logits = g.add(clean, g.mul(g.floats(eps, B, E), sigma));
            }
            float[] values = Graph.toFloats(logits);
            int[][] top = new int[B][];
            float[] maskAdd = new float[B * E], keep = new float[B * E], chosen = new float[B * E];
            long[] kth = new long[B], next = new long[B];
            for (int b = 0; b < B; b++) {
                int[] order = descending(values, b * E, E);
                top[b] = Arrays.copyOf(order, k);
                Arrays.fill(maskAdd, b * E, (b + 1) * E, Float.NEGATIVE_INFINITY);
                for (int i = 0; i < k; i++) {
                    maskAdd[b * E + order[i]] = 0f;
                    chosen[b * E + order[i]] = 1f;
                }
                kth[b] = order[k - 1];
                next[b] = order[Math.min(k, E - 1)];
            }
            int capacity = training && capacityFactor > 0 ? (int) Math.ceil(capacityFactor * k * B / E) : Integer.MAX_VALUE;
            int[] taken = new int[E];
            int[][] kept = new int[E][B];
            int dropped = 0;
            for (int b = 0; b < B; b++) {
                for (int e : top[b]) {
                    if (taken[e] < capacity) {
                        kept[e][taken[e]++] = b;
                        keep[b * E + e] = 1f;
                    } else {
                        dropped++;
                    }
                }
            }
            for (int e = 0; e < E; e++) kept[e] = Arrays.copyOf(kept[e], taken[e]);
            PtNDArray probs = g.softmax(g.add(logits, g.floats(maskAdd, B, E)), 1);
            PtNDArray routedGates = dropped > 0 ? g.mul(probs, g.floats(keep, B, E)) : probs;
            PtNDArray importance = g.sum(probs, 0);
            PtNDArray load;
            if (noisy && k < E) {
                PtNDArray thresholdIn = g.gather(logits, g.longs(next, B, 1), 1);   // k-th largest excluding a chosen expert
                PtNDArray thresholdOut = g.gather(logits, g.longs(kth, B, 1), 1);   // k-th largest excluding another one
                PtNDArray pIn = normalCdf(g, g.div(g.sub(clean, thresholdIn), sigma));
                PtNDArray pOut = normalCdf(g, g.div(g.sub(clean, thresholdOut), sigma));
                PtNDArray prob = g.add(pOut, g.mul(g.floats(chosen, B, E), g.sub(pIn, pOut)));
                load = g.sum(prob, 0);
            } else {
                float[] counts = new float[E];
                for (int[] row : top) for (int e : row) counts[e]++;
                load = g.floats(counts, E);
            }
            return new Routing(routedGates, importance, load, top, dropped, kept);
        }

        private static PtNDArray normalCdf(Graph g, PtNDArray z) {
            return g.addScalar(g.scale(g.erf(g.scale(z, 1 / Math.sqrt(2))), 0.5), 0.5);
        }

        /** Indices of {@code values[from, from + n)} by decreasing value (ties: lower index first). */
        private static int[] descending(float[] values, int from, int n) {
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) idx[i] = i;
            Arrays.sort(idx, (a, b) -> Float.compare(values[from + b], values[from + a]));
            int[] out = new int[n];
            for (int i = 0; i < n; i++) out[i] = idx[i];
            return out;
        }

        /** The load-balancing loss of one routing, before {@code balance-weight}: {@code CV^2(importance) + CV^2(load)}. */
        public static PtNDArray balanceLoss(Graph g, Routing r) {
            return g.add(cvSquared(g, r.importance()), cvSquared(g, r.load()));
        }

        /** Squared coefficient of variation, population variance over squared mean (0 for a constant vector). */
        public static PtNDArray cvSquared(Graph g, PtNDArray v) {
            PtNDArray mean = g.mean(v);
            PtNDArray d = g.sub(v, mean);
            return g.div(g.mean(g.mul(d, d)), g.addScalar(g.mul(mean, mean), 1e-10));
        }

        @Override
        public PtNDArray taskOutput(Graph g, PtNDArray[] p, int task, PtNDArray x, PtNDArray rep) {
            // sparse: the routing the latest representation in this graph was dispatched by; dense: route now
            Routing r;
            if (dense) {
                r = route(g, p, task, x);
            } else if (routedIn == g && routed[task] != null) {
                r = routed[task];
            } else {
                throw new IllegalStateException("sparse_moe: task " + task + "'s output needs the representation of its batch computed "
                        + "in the same graph for that task (represent(g, p, x) or represent(g, p, x, " + task + ") first)");
            }
            if (balanceWeight > 0) aux.add(g, g.scale(balanceLoss(g, r), balanceWeight));
            return heads.get(task).linear(g, p, Gating.mixStacked(g, r.gates(), rep));
        }

        @Override
        public PtNDArray auxiliaryLoss(Graph g) {
            return aux.take(g);
        }
    }
}
