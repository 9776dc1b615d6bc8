package dev.polymath.nn.mtl;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.mtl.arch.MtlNet;
import dev.polymath.nn.mtl.weighting.FlatMtl;
import dev.polymath.nn.mtl.weighting.GradientMode;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.mtl.weighting.WeightingInput;
import dev.polymath.nn.mtl.weighting.WeightingResult;
import dev.polymath.nn.optim.Adam;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One multi-task training step: forward, per-task losses, the weighting method's decision, backward, Adam.
 * <ul>
 *   <li>{@link GradientMode#LOSSES}: the method sees the losses and returns weights; {@code sum_t w_t L_t} is
 *       back-propagated once.</li>
 *   <li>{@link GradientMode#PARAMETERS}: each task's loss is back-propagated separately; the gradients of the
 *       shared parameters are flattened into a {@code float[T][P_shared]} matrix; the method's combined
 *       gradient (or, if it returns none, {@code sum_t w_t g_t}) becomes the shared gradient. Task-specific
 *       parameters get the gradient of their own task's (unweighted) loss, as in LibMTL.</li>
 *   <li>{@link GradientMode#REPRESENTATION}: as above, but the per-task gradients are of the shared
 *       representation ({@code T x (B * width)}); the combined one is back-propagated through the shared part.</li>
 * </ul>
 * Inputs are either one batch for every task (shared inputs) or one batch per task (separate inputs, e.g.
 * TweetEval; then each task's loss comes from its own batch, and the representation mode is not available).
 * With a {@link Sharpness} other than NONE the step takes a second pass at perturbed weights (F-MTL or SAM).
 * After the backward pass the shared gradient is clipped to {@link Weighting#maxSharedGradNorm()} (Nash-MTL),
 * and methods that ask for it get the losses re-evaluated after the update ({@link Weighting#afterUpdate}, FAMO).
 * An architecture's auxiliary loss ({@link MtlNet#auxiliaryLoss}: load balancing, entropy) is added to the
 * objective of the ordinary (and plain-SAM) pass: to the weighted sum, or, with per-task gradients, its own
 * gradient is added to the combined one, so weighting methods see only the tasks. F-MTL's per-task passes leave it out.
 * A NaN or infinite loss throws {@link NonFiniteLossException} before anything is updated.
 * Every native tensor of the step lives in a {@link Graph} closed at the end of the step.
 */
public final class MtlStep {
    private final MtlNet net;
    private final Weighting weighting;
    private final GradientMode mode;
    private final Sharpness sharpness;
    private final FlatMtl flat;
    private final Adam adam;
    private final List<TaskLoss> losses;
    private final List<String> taskNames;
    private final Parameters params;
    private final float[] grad;
    private float[] saved;
    private float[][] taskGrads;
    private double[] lastFinite;

    /** What one step did. */
    public record Result(long step, double[] losses, double[] weights) {
        public double total() {
            double s = 0;
            for (double l : losses) s += l;
            return s;
        }
    }

    /** An ordinary step with one instance of the weighting method. */
    public MtlStep(MtlNet net, Weighting weighting, Adam adam, List<TaskLoss> losses, List<String> taskNames) {
        this(net, () -> weighting, Sharpness.NONE, adam, losses, taskNames);
    }

    /**
     * @param weightings makes the weighting method; called once, or twice for F-MTL (which aggregates loss and
     *                   flat gradients with separate instances)
     */
    public MtlStep(MtlNet net, Supplier<? extends Weighting> weightings, Sharpness sharpness, Adam adam,
                   List<TaskLoss> losses, List<String> taskNames) {
        this(net, weightings, null, sharpness, adam, losses, taskNames);
    }

    /**
     * @param gradients the gradient mode to run gradient methods in ({@link MethodCompatibility#effectiveMode}),
     *                  null for the method's own
     */
    public MtlStep(MtlNet net, Supplier<? extends Weighting> weightings, GradientMode gradients, Sharpness sharpness, Adam adam,
                   List<TaskLoss> losses, List<String> taskNames) {
        if (losses.size() != net.tasks() || taskNames.size() != net.tasks()) {
            throw new IllegalArgumentException("the net has " + net.tasks() + " tasks but " + losses.size()
                    + " losses and " + taskNames.size() + " task names were given");
        }
        this.net = net;
        this.weighting = weightings.get();
        this.sharpness = sharpness;
        this.mode = MethodCompatibility.effectiveMode(weighting, gradients);
        MethodCompatibility.check(weighting, gradients, sharpness, true, ""); // the inputs are checked per step
        this.flat = sharpness.kind() == Sharpness.Kind.FMTL
                ? new FlatMtl(weighting, weightings.get(), new FlatMtl.Params(sharpness.rho(), false, FlatMtl.Variant.SEPARATE))
                : null;
        this.adam = adam;
        this.losses = List.copyOf(losses);
        this.taskNames = List.copyOf(taskNames);
        this.params = net.parameters();
        this.grad = new float[params.size()];
    }

    public MtlNet net() {
        return net;
    }

    public Adam optimizer() {
        return adam;
    }

    /** The weighting method (for F-MTL, the instance that aggregates the loss gradients). */
    public Weighting weighting() {
        return weighting;
    }

    /** The gradient applied by the last step (after combination and clipping), a copy; for tests. */
    float[] lastGradient() {
        return grad.clone();
    }

    public Sharpness sharpness() {
        return sharpness;
    }

    /** Clears the weighting method's state (both instances for F-MTL). */
    public void reset(long seed) {
        if (flat != null) flat.reset(net.tasks(), seed);
        else weighting.reset(net.tasks(), seed);
    }

    /** The weighting method's state, for checkpoints. */
    public Map<String, double[]> weightingState() {
        return flat != null ? flat.state() : weighting.state();
    }

    public void restoreWeightingState(Map<String, double[]> state) {
        if (flat != null) flat.restoreState(state);
        else weighting.restoreState(state);
    }

    /** One step on a batch shared by every task. */
    public Result run(NDManager scope, PtNDArray x, PtNDArray[] targets, long step, int epoch) {
        return run(scope, new PtNDArray[] {x}, targets, step, epoch);
    }

    /**
     * One step: {@code xs} one batch for every task ({@code xs.length == 1}) or one batch per task;
     * {@code targets[t]} task t's targets. Temporary tensors live under {@code scope} only during the call.
     */
    public Result run(NDManager scope, PtNDArray[] xs, PtNDArray[] targets, long step, int epoch) {
        int T = net.tasks();
        if (xs.length != 1 && xs.length != T) throw new IllegalArgumentException("expected 1 or " + T + " input batches, got " + xs.length);
        if (targets.length != T) throw new IllegalArgumentException("expected " + T + " target batches, got " + targets.length);
        Result r = switch (sharpness.kind()) {
            case NONE -> gradientPass(scope, xs, targets, step, epoch, null);
            case SAM -> samStep(scope, xs, targets, step, epoch);
            case FMTL -> fmtlStep(scope, xs, targets, step, epoch);
        };
        double clip = weighting.maxSharedGradNorm();
        if (clip > 0) clip(grad, params.sharedSize(), clip);
        adam.step(params.values(), grad);
        params.sync();
        if (weighting.wantsLossesAfterUpdate()) {
            double[] after = evaluateLosses(scope, xs, targets);
            if (flat != null) flat.afterUpdate(after);
            else weighting.afterUpdate(after);
        }
        lastFinite = r.losses();
        return r;
    }

    /** The ordinary step's gradient into {@link #grad}; {@code lossesForWeighting} overrides the losses the method sees. */
    private Result gradientPass(NDManager scope, PtNDArray[] xs, PtNDArray[] targets, long step, int epoch,
                                double[] lossesForWeighting) {
        int T = net.tasks();
        if (mode == GradientMode.REPRESENTATION && xs.length != 1) {
            MethodCompatibility.check(weighting, mode, sharpness, false, "this step's data");
        }
        try (Graph g = Graph.open(scope)) {
            Forward f = forward(g, xs, targets, step, mode == GradientMode.REPRESENTATION);
            PtNDArray[] p = f.p(), L = f.losses();
            PtNDArray rep = f.rep(), repIn = f.repIn();
            double[] values = f.values();
            PtNDArray aux = net.auxiliaryLoss(g);
            if (aux != null && !Double.isFinite(Graph.item(aux))) {
                throw new IllegalStateException("the auxiliary loss of " + net.describe() + " is " + Graph.item(aux) + " at step " + step
                        + " (task losses " + java.util.Arrays.toString(values) + ")");
            }
            double[] seen = lossesForWeighting != null ? lossesForWeighting : values;
            WeightingResult decision;
            if (mode == GradientMode.LOSSES) {
                decision = weighting.step(new WeightingInput(step, epoch, seen.clone(), null));
                PtNDArray total = null;
                for (int t = 0; t < T; t++) {
                    double w = decision.weights()[t];
                    PtNDArray term = w == 1.0 ? L[t] : g.scale(L[t], w);
                    total = total == null ? term : g.add(total, term);
                }
                if (aux != null) total = g.add(total, aux);
                g.backward(total, false);
                params.readGradients(g, p, grad);
            } else {
                int sharedIds = params.sharedCount();
                int width = mode == GradientMode.PARAMETERS ? params.sharedSize() : Math.toIntExact(rep.getShape().size());
                float[][] tg = taskGradBuffers(T, width);
                for (int t = 0; t < T; t++) {
                    boolean more = t < T - 1 || aux != null;
                    g.backward(L[t], more);
                    if (mode == GradientMode.PARAMETERS) {
                        params.readGradients(g, p, 0, sharedIds, tg[t]);
                        if (more) for (int id = 0; id < sharedIds; id++) Graph.zeroGradient(p[id]);
                    } else {
                        Graph.copyTo(g.gradient(repIn), tg[t], 0);
                        if (t < T - 1) Graph.zeroGradient(repIn);
                    }
                }
                // the architecture's own loss is not a task: its gradient goes on top of the method's decision
                if (aux != null) g.backward(aux, true);
                decision = weighting.step(mode == GradientMode.PARAMETERS
                        ? new WeightingInput(step, epoch, seen.clone(), tg)
                        : WeightingInput.ofRepresentation(step, epoch, seen.clone(), tg, Math.toIntExact(rep.getShape().get(0))));
                float[] combined = decision.sharedGradient() != null ? decision.sharedGradient() : weightedSum(decision.weights(), tg);
                if (combined.length != width) {
                    throw new IllegalStateException(weighting.name() + " returned a combined gradient of length " + combined.length
                            + ", expected " + width);
                }
                if (mode == GradientMode.PARAMETERS) {
                    if (aux == null) {
                        params.readGradients(g, p, sharedIds, params.specs().size(), grad);
                        System.arraycopy(combined, 0, grad, 0, width);
                    } else {
                        params.readGradients(g, p, grad); // shared part: the auxiliary loss's gradient only
                        for (int i = 0; i < width; i++) grad[i] += combined[i];
                    }
                } else {
                    g.backward(rep, g.floats(combined, rep.getShape().getShape()), false);
                    params.readGradients(g, p, grad);
                }
            }
            return new Result(step, seen.clone(), decision.weights().clone());
        }
    }

    /**
     * Plain SAM: gradient of {@code sum_t L_t} at the current point, move every parameter by
     * {@code rho d / ||d||}, the ordinary step's gradient there (the method sees the unperturbed losses), back.
     */
    private Result samStep(NDManager scope, PtNDArray[] xs, PtNDArray[] targets, long step, int epoch) {
        double[] values;
        try (Graph g = Graph.open(scope)) {
            Forward f = forward(g, xs, targets, step, false);
            PtNDArray[] p = f.p(), L = f.losses();
            values = f.values();
            PtNDArray total = L[0];
            for (int t = 1; t < L.length; t++) total = g.add(total, L[t]);
            g.backward(total, false);
            params.readGradients(g, p, grad);
        }
        float[] v = params.values();
        saved = copyInto(saved, v);
        double scale = sharpness.rho() / (norm(grad, 0, grad.length) + 1e-12);
        for (int i = 0; i < v.length; i++) v[i] += (float) (scale * grad[i]);
        params.sync();
        try {
            return gradientPass(scope, xs, targets, step, epoch, values);
        } finally {
            System.arraycopy(saved, 0, v, 0, v.length);
            params.sync();
        }
    }

    /**
     * F-MTL: per-task gradients {@code g_t} (shared) and {@code h_t} (task t's head) at the current point; for
     * each task, its SAM gradient at {@code theta + rho g_t/||g_t||}, {@code phi_t + rho h_t/||h_t||}; the shared
     * gradient is {@link FlatMtl#combine}, each head takes its SAM gradient.
     */
    private Result fmtlStep(NDManager scope, PtNDArray[] xs, PtNDArray[] targets, long step, int epoch) {
        int T = net.tasks();
        int shared = params.sharedSize();
        int sharedIds = params.sharedCount();
        float[][] g0 = new float[T][shared];
        float[][] gs = new float[T][shared];
        float[] heads = new float[params.size()];
        double[] values;
        try (Graph g = Graph.open(scope)) {
            Forward f = forward(g, xs, targets, step, false);
            PtNDArray[] p = f.p(), L = f.losses();
            values = f.values();
            for (int t = 0; t < T; t++) {
                g.backward(L[t], t < T - 1);
                params.readGradients(g, p, 0, sharedIds, g0[t]);
                if (t < T - 1) for (int id = 0; id < sharedIds; id++) Graph.zeroGradient(p[id]);
            }
            params.readGradients(g, p, sharedIds, params.specs().size(), heads); // each head holds only its task's gradient
        }
        float[] v = params.values();
        saved = copyInto(saved, v);
        try {
            for (int t = 0; t < T; t++) {
                perturb(v, g0[t], 0, shared, sharpness.rho());
                double headNorm = 0;
                for (Parameters.Spec s : params.specs()) if (s.task() == t) headNorm += sq(heads, s.offset(), s.offset() + s.size());
                double headScale = sharpness.rho() / (Math.sqrt(headNorm) + 1e-12);
                for (Parameters.Spec s : params.specs()) {
                    if (s.task() != t) continue;
                    for (int i = s.offset(); i < s.offset() + s.size(); i++) v[i] += (float) (headScale * heads[i]);
                }
                params.sync();
                try (Graph g = Graph.open(scope)) {
                    PtNDArray[] p = params.leaves(g);
                    PtNDArray x = xs.length == 1 ? xs[0] : xs[t];
                    PtNDArray out = net.taskOutput(g, p, t, x, net.represent(g, p, x, t));
                    PtNDArray lt = losses.get(t).apply(g, out, targets[t]);
                    double value = Graph.item(lt);
                    if (!Double.isFinite(value)) {
                        double[] at = values.clone();
                        at[t] = value;
                        throw new NonFiniteLossException(step, t, taskNames.get(t) + " (at the F-MTL perturbed point)", at, lastFinite);
                    }
                    g.backward(lt, false);
                    params.readGradients(g, p, 0, sharedIds, gs[t]);
                    for (Parameters.Spec s : params.specs()) {
                        if (s.task() != t) continue;
                        PtNDArray gr = g.gradient(p[s.id()]);
                        if (gr == null) java.util.Arrays.fill(grad, s.offset(), s.offset() + s.size(), 0f);
                        else Graph.copyTo(gr, grad, s.offset());
                    }
                }
                System.arraycopy(saved, 0, v, 0, v.length);
            }
        } finally {
            System.arraycopy(saved, 0, v, 0, v.length);
            params.sync();
        }
        WeightingResult decision = flat.combine(step, epoch, values.clone(), g0, gs);
        System.arraycopy(decision.sharedGradient(), 0, grad, 0, shared);
        return new Result(step, values, decision.weights().clone());
    }

    /**
     * The forward pass with gradients at the current parameters, in {@code g}: parameter leaves {@code p}, the
     * shared representation (null with one batch per task), the representation the task heads read
     * ({@code repIn}: a detached leaf of it when {@code detachRep}, for representation gradients), and the task
     * losses, whose values are checked finite.
     */
    private record Forward(PtNDArray[] p, PtNDArray rep, PtNDArray repIn, PtNDArray[] losses, double[] values) {}

    private Forward forward(Graph g, PtNDArray[] xs, PtNDArray[] targets, long step, boolean detachRep) {
        Graph.gradMode(true);
        PtNDArray[] p = params.leaves(g);
        PtNDArray rep = xs.length == 1 ? net.represent(g, p, xs[0]) : null;
        PtNDArray repIn = rep != null && detachRep ? g.detachedLeaf(rep) : rep;
        PtNDArray[] L = taskLosses(g, p, xs, targets, repIn);
        double[] values = items(L);
        checkFinite(step, values);
        return new Forward(p, rep, repIn, L, values);
    }

    private PtNDArray[] taskLosses(Graph g, PtNDArray[] p, PtNDArray[] xs, PtNDArray[] targets, PtNDArray sharedRep) {
        int T = net.tasks();
        PtNDArray[] L = new PtNDArray[T];
        for (int t = 0; t < T; t++) {
            PtNDArray x = xs.length == 1 ? xs[0] : xs[t];
            PtNDArray rep = xs.length == 1 ? sharedRep : net.represent(g, p, x, t);
            L[t] = losses.get(t).apply(g, net.taskOutput(g, p, t, x, rep), targets[t]);
        }
        return L;
    }

    /** The task losses on the same batch without gradients (after an update, for FAMO). */
    private double[] evaluateLosses(NDManager scope, PtNDArray[] xs, PtNDArray[] targets) {
        boolean was = Graph.gradMode();
        try (Graph g = Graph.open(scope)) {
            Graph.gradMode(false);
            PtNDArray[] p = params.views(g);
            PtNDArray rep = xs.length == 1 ? net.represent(g, p, xs[0]) : null;
            return items(taskLosses(g, p, xs, targets, rep));
        } finally {
            Graph.gradMode(was);
        }
    }

    private float[][] taskGradBuffers(int T, int width) {
        if (taskGrads == null || taskGrads.length != T || taskGrads[0].length != width) taskGrads = new float[T][width];
        return taskGrads;
    }

    private static double[] items(PtNDArray[] L) {
        double[] v = new double[L.length];
        for (int t = 0; t < L.length; t++) v[t] = Graph.item(L[t]);
        return v;
    }

    private static float[] copyInto(float[] dst, float[] src) {
        if (dst == null || dst.length != src.length) dst = new float[src.length];
        System.arraycopy(src, 0, dst, 0, src.length);
        return dst;
    }

    /** {@code v[from..to) += rho * d / ||d||} with {@code d} indexed from 0. */
    private static void perturb(float[] v, float[] d, int from, int to, double rho) {
        double scale = rho / (Math.sqrt(sq(d, 0, to - from)) + 1e-12);
        for (int i = from; i < to; i++) v[i] += (float) (scale * d[i - from]);
    }

    private static double sq(float[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += (double) a[i] * a[i];
        return s;
    }

    private static double norm(float[] a, int from, int to) {
        return Math.sqrt(sq(a, from, to));
    }

    /** Scales {@code g[0..n)} down to L2 norm {@code max} if it is longer (torch's clip_grad_norm_). */
    static void clip(float[] g, int n, double max) {
        double total = norm(g, 0, n);
        double coef = max / (total + 1e-6);
        if (coef < 1) for (int i = 0; i < n; i++) g[i] *= (float) coef;
    }

    private static float[] weightedSum(double[] w, float[][] g) {
        float[] out = new float[g[0].length];
        for (int t = 0; t < g.length; t++) {
            float wt = (float) w[t];
            float[] gt = g[t];
            for (int i = 0; i < out.length; i++) out[i] += wt * gt[i];
        }
        return out;
    }

    private void checkFinite(long step, double[] values) {
        for (int t = 0; t < values.length; t++) {
            if (!Double.isFinite(values[t])) throw new NonFiniteLossException(step, t, taskNames.get(t), values, lastFinite);
        }
    }

    /** Outputs of every task for a batch, without gradients (evaluation); tensors are owned by {@code g}. */
    public static PtNDArray[] predict(MtlNet net, Graph g, PtNDArray x) {
        boolean was = Graph.gradMode();
        Graph.gradMode(false);
        try {
            PtNDArray[] p = net.parameters().views(g);
            PtNDArray rep = net.represent(g, p, x);
            PtNDArray[] out = new PtNDArray[net.tasks()];
            for (int t = 0; t < out.length; t++) out[t] = net.taskOutput(g, p, t, x, rep);
            return out;
        } finally {
            Graph.gradMode(was);
        }
    }
}
