package dev.polymath.nn.mtl.arch;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * DSelect-k (Hazimeh et al., NeurIPS 2021): a mixture of {@code experts} shared experts where each task's gate
 * selects (softly, differentiably) {@code k} of them. Per task and example, each of k selectors has
 * {@code m = ceil(log2 experts)} logits z; the smooth step {@code S(z)} (cubic on {@code [-gamma/2, gamma/2]},
 * 0 below, 1 above) turns them into soft bits, and the selector's weight on expert e is
 * {@code prod_j (S(z_j) if bit j of e is 1 else 1 - S(z_j))}; the k selectors are mixed by a softmax over k
 * more logits. Both sets of logits are linear in the flattened input (the per-example gate of the paper and
 * LibMTL); z's layer starts in {@code U(-gamma/100, gamma/100)} and the selector-weight layer in
 * {@code U(-0.05, 0.05)}, as in the official code.
 * <p>With a power-of-two number of experts each selector's weights sum to one exactly. Otherwise some codes
 * name no expert; as in the reference, the penalty {@code 1/(selector mass on real experts)} (here averaged
 * over examples and selectors, weight 1) keeps the selectors on real experts, and in addition the gate is
 * renormalized over the real experts, so gates always sum to one.
 * <p>Entropy regularization (optional, {@code entropy-weight}, default 0): {@code weight * sum over tasks of the mean over
 * examples and selectors of H(selector)}, which pushes each selector towards one expert; it is the net's
 * {@link MtlNet#auxiliaryLoss}. The shared representation is the stack of expert outputs {@code [E, B, D]}.
 * Options: {@code experts} (default 4), {@code k} (default 2), {@code gamma} (default 1), {@code entropy-weight}.
 */
public final class DSelectK implements Architecture {
    @Override
    public String name() {
        return "dselect_k";
    }

    @Override
    public String description() {
        return "DSelect-k: each task's gate softly selects k shared experts through smooth-step binary codes";
    }

    @Override
    public java.util.Set<String> options() {
        return Set.of("experts", "k", "gamma", "entropy-weight");
    }

    @Override
    public MtlNet build(NetSpec spec, NDManager manager) {
        spec.requireKnownOptions(name(), options());
        int experts = spec.intOption("experts", 4);
        int k = spec.intOption("k", 2);
        double gamma = spec.doubleOption("gamma", 1.0);
        double entropyWeight = spec.doubleOption("entropy-weight", 0.0);
        if (experts < 2) throw new IllegalArgumentException(name() + ": experts must be >= 2, got " + experts);
        if (k < 1 || k > experts) throw new IllegalArgumentException(name() + ": k must be between 1 and experts=" + experts + ", got k=" + k);
        if (!(gamma > 0)) throw new IllegalArgumentException(name() + ": gamma must be > 0, got " + gamma);
        if (!(entropyWeight >= 0)) throw new IllegalArgumentException(name() + ": entropy-weight must be >= 0, got " + entropyWeight);
        int bits = 32 - Integer.numberOfLeadingZeros(experts - 1);
        var b = Parameters.builder(spec.seed());
        List<Backbone.Instance> ex = new ArrayList<>();
        for (int e = 0; e < experts; e++) ex.add(spec.backbone().declare(b, "shared.expert" + e + ".", -1));
        int in = Math.toIntExact(spec.backbone().inputSize());
        int width = spec.backbone().outputWidth();
        List<Parameters.LinearRef> zLayers = new ArrayList<>(), wLayers = new ArrayList<>(), heads = new ArrayList<>();
        for (int t = 0; t < spec.tasks(); t++) {
            String pre = "task" + t + ".";
            zLayers.add(new Parameters.LinearRef(
                    b.add(pre + "selector_codes.weight", t, uniform(gamma / 100), (long) k * bits, in),
                    b.add(pre + "selector_codes.bias", t, uniform(gamma / 100), (long) k * bits)));
            wLayers.add(new Parameters.LinearRef(
                    b.add(pre + "selector_weights.weight", t, uniform(0.05), k, in),
                    b.add(pre + "selector_weights.bias", t, uniform(0.05), k)));
            heads.add(b.linear(pre + "head", t, width, spec.taskOutputs().get(t)));
        }
        Parameters params = b.build(manager);
        float[] codes = new float[experts * bits]; // bit j of expert e, most significant first (as np.binary_repr)
        for (int e = 0; e < experts; e++) for (int j = 0; j < bits; j++) codes[e * bits + j] = (e >> (bits - 1 - j)) & 1;
        String desc = "dselect_k(" + experts + " x " + spec.backbone().describe() + ", k=" + k + ", heads " + spec.taskOutputs() + ")";
        return new Net(desc, params, ex, zLayers, wLayers, heads, k, bits, codes, gamma, entropyWeight);
    }

    private static Parameters.Init uniform(double bound) {
        return (dst, rng) -> {
            for (int i = 0; i < dst.length; i++) dst[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        };
    }

    /** A DSelect-k network; {@link #gateWeights} exposes the gates. */
    public static final class Net implements MtlNet {
        private final String desc;
        private final Parameters params;
        private final List<Backbone.Instance> experts;
        private final List<Parameters.LinearRef> zLayers, wLayers, heads;
        private final int k, bits;
        private final float[] codes;
        private final double gamma, entropyWeight;
        private final boolean powerOfTwo;
        private final AuxiliaryLoss aux = new AuxiliaryLoss();

        Net(String desc, Parameters params, List<Backbone.Instance> experts, List<Parameters.LinearRef> zLayers,
            List<Parameters.LinearRef> wLayers, List<Parameters.LinearRef> heads, int k, int bits, float[] codes, double gamma,
            double entropyWeight) {
            this.desc = desc;
            this.params = params;
            this.experts = experts;
            this.zLayers = zLayers;
            this.wLayers = wLayers;
            this.heads = heads;
            this.k = k;
            this.bits = bits;
            this.codes = codes;
            this.gamma = gamma;
            this.entropyWeight = entropyWeight;
            this.powerOfTwo = experts.size() == 1 << bits;
        }

        @Override public String describe() { return desc; }
        @Override public Parameters parameters() { return params; }
        @Override public int tasks() { return heads.size(); }

        @Override
        public PtNDArray represent(Graph g, PtNDArray[] p, PtNDArray x) {
            return Gating.stackExperts(g, p, experts, x);
        }

        /** The smooth step: 0 below -gamma/2, 1 above gamma/2, {@code -2/g^3 t^3 + 3/(2g) t + 1/2} between. */
        PtNDArray smoothStep(Graph g, PtNDArray t) {
            PtNDArray c = g.clip(t, -gamma / 2, gamma / 2);
            PtNDArray cubic = g.scale(g.mul(g.mul(c, c), c), -2 / (gamma * gamma * gamma));
            return g.addScalar(g.add(cubic, g.scale(c, 3 / (2 * gamma))), 0.5);
        }

        /** Each selector's weights over the experts, {@code [B, k, E]}. */
        PtNDArray selectors(Graph g, PtNDArray[] p, int task, PtNDArray x) {
            PtNDArray flat = Gating.flat(g, x);
            long batch = flat.getShape().get(0);
            PtNDArray s = smoothStep(g, g.reshape(zLayers.get(task).linear(g, p, flat), batch, k, 1, bits)); // [B, k, 1, m]
            PtNDArray c = g.floats(codes, experts.size(), bits);                                              // [E, m]
            // factor = c ? s : 1 - s  ==  (1 - c) + s * (2c - 1)
            PtNDArray oneMinusC = g.addScalar(g.scale(c, -1), 1);
            PtNDArray twoCMinusOne = g.addScalar(g.scale(c, 2), -1);
            return g.prod(g.add(oneMinusC, g.mul(s, twoCMinusOne)), 3);                                       // [B, k, E]
        }

        /** Task {@code task}'s gate over the experts, {@code [B, E]}. */
        public PtNDArray gateWeights(Graph g, PtNDArray[] p, int task, PtNDArray x) {
            PtNDArray r = selectors(g, p, task, x);
            PtNDArray alpha = g.softmax(wLayers.get(task).linear(g, p, Gating.flat(g, x)), 1);   // [B, k]
            PtNDArray gate = g.sum(g.mul(g.unsqueeze(alpha, 2), r), 1);                          // [B, E]
            if (!powerOfTwo) {
                // renormalize over the real experts; the tiny uniform share keeps a selector that sits on codes
                // without an expert from dividing 0 by 0
                gate = g.div(g.addScalar(gate, 1e-9 / experts.size()), g.unsqueeze(g.addScalar(g.sum(gate, 1), 1e-9), 1));
                if (Graph.gradMode()) aux.add(g, g.mean(g.div(g.scalar(1f), g.addScalar(g.sum(r, 2), 1e-6))));
            }
            if (entropyWeight > 0 && Graph.gradMode()) {
                PtNDArray ent = g.sum(g.mul(r, g.log(g.addScalar(r, 1e-6))), 2);                 // -H per selector, [B, k]
                aux.add(g, g.scale(g.mean(ent), -entropyWeight));
            }
            return gate;
        }

        @Override
        public PtNDArray taskOutput(Graph g, PtNDArray[] p, int task, PtNDArray x, PtNDArray rep) {
            return heads.get(task).linear(g, p, Gating.mixStacked(g, gateWeights(g, p, task, x), rep));
        }

        @Override
        public PtNDArray auxiliaryLoss(Graph g) {
            return aux.take(g);
        }
    }
}
