package dev.polymath.nn.meta;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

/**
 * A functional model: its parameters are an explicit {@link NDList} passed to every call, so that an
 * adapted copy is simply another list of tensors and the meta-parameters are never mutated.
 *
 * <p>Inputs carry a leading task dimension {@code T}: {@code x} is {@code (T, N, ...)}. Each parameter is
 * either <em>shared</em> (its base shape, the same for every task) or <em>per-task</em> (a leading
 * {@code T} dimension in front of its base shape); {@link #perTask} tells which. An adapted copy is
 * usually per-task, and ANIL mixes shared body parameters with a per-task head.
 */
public interface Learner {

    /** A short description (architecture), for run records. */
    String describe();

    /** Fresh meta-parameters. */
    NDList init(NDManager manager, long seed);

    /** Names of the parameters, in order (for checkpoints). */
    java.util.List<String> names();

    /** Rank of parameter {@code i} when shared. */
    int baseRank(int i);

    /** Index of the first parameter of the head (the last layer); ANIL adapts from here on. */
    int headStart();

    Objective objective();

    /** Outputs {@code (T, N, out)}; built from DJL operators, so autograd can differentiate it. */
    NDArray forward(NDList params, NDArray x);

    default boolean perTask(NDList params, int i) {
        return params.get(i).getShape().dimension() == baseRank(i) + 1;
    }

    /**
     * Per-task losses and gradients of the support (or query) loss.
     *
     * @param reduceTasks false: gradients are per-task (leading {@code T}), of each task's own mean loss;
     *                    true: gradients have the shared shapes and are of {@code mean_t loss_t}
     * @param from        gradients only for parameters {@code from..} (earlier entries of the result are null)
     */
    default LossGrads lossGrads(NDList params, NDArray x, NDArray y, boolean reduceTasks, int from) {
        return autogradLossGrads(this, params, x, y, reduceTasks, from);
    }

    /** Whether {@link #differentiableLossGrads} is available. */
    default boolean differentiableGrads() {
        return false;
    }

    /**
     * The same as {@link #lossGrads}, but written with tensor operators only (no nested autograd, nothing in
     * place), so that autograd can differentiate the gradients themselves: second-order MAML needs it.
     */
    default LossGrads differentiableLossGrads(NDList params, NDArray x, NDArray y, boolean reduceTasks, int from) {
        throw new UnsupportedOperationException(describe() + " has no differentiable gradient");
    }

    /** Losses per task and gradients; the gradient list may hold nulls for parameters not differentiated. */
    record LossGrads(NDArray losses, NDList grads) {}

    /**
     * The generic implementation through DJL autograd: differentiates with respect to detached leaf copies of
     * the parameters. Per-task gradients of shared parameters are obtained by expanding them to per-task leaves.
     */
    static LossGrads autogradLossGrads(Learner l, NDList params, NDArray x, NDArray y, boolean reduceTasks, int from) {
        long tasks = x.getShape().get(0);
        NDList leaves = new NDList(params.size());
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i).stopGradient();
            if (i >= from) {
                if (!reduceTasks && !l.perTask(params, i)) p = p.expandDims(0).repeat(0, tasks);
                else p = p.duplicate();
                p.setRequiresGradient(true);
            }
            leaves.add(p);
        }
        NDArray losses;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = l.forward(leaves, x);
            losses = l.objective().taskLosses(out, y);
            gc.backward(reduceTasks ? losses.mean() : losses.sum());
        }
        NDList grads = new NDList(params.size());
        for (int i = 0; i < params.size(); i++) {
            if (i < from) {
                grads.add(null);
                continue;
            }
            NDArray g = leaves.get(i).getGradient();
            if (reduceTasks && l.perTask(params, i)) g = g.sum(new int[] {0});
            grads.add(g);
        }
        return new LossGrads(losses.stopGradient(), grads);
    }
}
