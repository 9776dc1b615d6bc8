package dev.polymath.nn.mtl;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.mtl.arch.MtlNet;
import dev.polymath.nn.mtl.weighting.GradientMode;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.mtl.weighting.WeightingInput;
import dev.polymath.nn.mtl.weighting.WeightingResult;
import dev.polymath.nn.optim.Adam;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.List;

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
 * An architecture's auxiliary loss ({@link MtlNet#auxiliaryLoss}: load balancing, entropy) is added to the
 * objective in every mode: to the weighted sum, or, with per-task gradients, its own gradient is added to the
 * combined one, so weighting methods see only the tasks.
 * A NaN or infinite loss throws {@link NonFiniteLossException} before anything is updated.
 * Every native tensor of the step lives in a {@link Graph} closed at the end of the step.
 */
public final class MtlStep {
    private final MtlNet net;
    private final Weighting weighting;
    private final Adam adam;
    private final List<TaskLoss> losses;
    private final List<String> taskNames;
    private final Parameters params;
    private final float[] grad;
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

    public MtlStep(MtlNet net, Weighting weighting, Adam adam, List<TaskLoss> losses, List<String> taskNames) {
        if (losses.size() != net.tasks() || taskNames.size() != net.tasks()) {
            throw new IllegalArgumentException("the net has " + net.tasks() + " tasks but " + losses.size()
                    + " losses and " + taskNames.size() + " task names were given");
        }
        this.net = net;
        this.weighting = weighting;
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

    public Weighting weighting() {
        return weighting;
    }

    /**
     * One step on a batch: {@code x} the inputs, {@code targets[t]} task t's targets. Temporary tensors live
     * under {@code scope} only for the duration of the call.
     */
    public Result run(NDManager scope, PtNDArray x, PtNDArray[] targets, long step, int epoch) {
        int T = net.tasks();
        try (Graph g = Graph.open(scope)) {
            Graph.gradMode(true);
            PtNDArray[] p = params.leaves(g);
            GradientMode mode = weighting.mode();
            PtNDArray rep = net.represent(g, p, x);
            PtNDArray repIn = mode == GradientMode.REPRESENTATION ? g.detachedLeaf(rep) : rep;
            PtNDArray[] L = new PtNDArray[T];
            double[] values = new double[T];
            for (int t = 0; t < T; t++) {
                L[t] = losses.get(t).apply(g, net.taskOutput(g, p, t, x, repIn), targets[t]);
                values[t] = Graph.item(L[t]);
            }
            checkFinite(step, values);
            PtNDArray aux = net.auxiliaryLoss(g);
            if (aux != null && !Double.isFinite(Graph.item(aux))) {
                throw new IllegalStateException("the auxiliary loss of " + net.describe() + " is " + Graph.item(aux) + " at step " + step
                        + " (task losses " + java.util.Arrays.toString(values) + ")");
            }
            WeightingResult decision;
            if (mode == GradientMode.LOSSES) {
                decision = weighting.step(new WeightingInput(step, epoch, values.clone(), null));
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
                PtNDArray target = mode == GradientMode.PARAMETERS ? null : repIn;
                int width = mode == GradientMode.PARAMETERS ? params.sharedSize() : Math.toIntExact(rep.getShape().size());
                if (taskGrads == null || taskGrads.length != T || taskGrads[0].length != width) taskGrads = new float[T][width];
                for (int t = 0; t < T; t++) {
                    boolean more = t < T - 1 || aux != null;
                    g.backward(L[t], more);
                    if (mode == GradientMode.PARAMETERS) {
                        params.readGradients(g, p, 0, sharedIds, taskGrads[t]);
                        if (more) for (int id = 0; id < sharedIds; id++) Graph.zeroGradient(p[id]);
                    } else {
                        Graph.copyTo(g.gradient(target), taskGrads[t], 0);
                        if (t < T - 1) Graph.zeroGradient(target);
                    }
                }
                // the architecture's own loss is not a task: its gradient goes on top of the method's decision
                if (aux != null) g.backward(aux, true);
                decision = weighting.step(new WeightingInput(step, epoch, values.clone(), taskGrads));
                float[] combined = decision.sharedGradient() != null ? decision.sharedGradient() : weightedSum(decision.weights(), taskGrads);
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
            adam.step(params.values(), grad);
            params.sync();
            lastFinite = values;
            return new Result(step, values, decision.weights().clone());
        }
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
