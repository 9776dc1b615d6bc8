package dev.polymath.nn.meta;

import dev.polymath.nn.Scalars;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

/**
 * Second-order MAML (Finn et al. 2017): the meta-gradient differentiates through the inner SGD steps.
 *
 * <p>The inner gradients come from the learner's hand-written backward pass ({@link Learner#differentiableLossGrads}), which is
 * itself made of ordinary tensor operators; recorded by autograd, the adapted weights
 * {@code phi = theta - lr * grad(theta)} are a differentiable function of the meta-parameters, and one plain
 * backward pass from the query loss yields the exact meta-gradient, Hessian-vector products included.
 *
 * <p>Why not PyTorch's {@code create_graph}: DJL exposes it only as {@code JniUtils.backward(..., createGraph)},
 * which stores the differentiable gradient in a leaf's {@code .grad}; that forms the reference cycle leaf ->
 * grad -> graph -> AccumulateGrad -> leaf, which DJL cannot break (it has no way to reset {@code .grad} to
 * None), and leaked ~1.3 MB per meta-iteration. Here no gradient with a graph is ever stored in a leaf, so each
 * iteration's graph is freed by the backward pass and its tensors by the iteration's manager.
 */
public final class Maml extends MetaAlgorithm {
    public Maml(Learner learner, MetaConfig config, NDManager parent) {
        super(learner, config, parent);
        if (!learner.differentiableGrads()) {
            throw new IllegalArgumentException("second-order MAML is available for MLP learners (sine, intent episodes); "
                    + learner.describe() + " has no differentiable gradient (use maml-fo)");
        }
    }

    @Override
    public String name() {
        return "maml";
    }

    /** The meta-loss (mean query loss after adaptation) and its exact gradient for each meta-parameter. */
    public record Outer(float loss, NDList grads) {}

    /** Computes the meta-gradient on a batch without updating anything. */
    public Outer outer(TaskBatch b) {
        scope(b.xs());
        NDList leaves = new NDList();
        for (NDArray p : learnerParams()) {
            NDArray leaf = p.stopGradient().duplicate();
            leaf.setRequiresGradient(true);
            leaves.add(leaf);
        }
        float loss;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList fast = leaves;
            for (int s = 0; s < config.innerSteps(); s++) {
                // per-task gradients of each task's own support loss; shared weights broadcast to per-task ones
                NDList g = learner.differentiableLossGrads(fast, b.xs(), b.ys(), false, 0).grads();
                NDList next = new NDList(fast.size());
                for (int i = 0; i < fast.size(); i++) next.add(fast.get(i).sub(Scalars.mul(g.get(i), config.innerLr())));
                fast = next;
            }
            NDArray lq = learner.objective().taskLosses(learner.forward(fast, b.xq()), b.yq()).mean();
            gc.backward(lq);
            loss = lq.getFloat();
        }
        NDList grads = new NDList(leaves.size());
        for (NDArray leaf : leaves) grads.add(leaf.getGradient());
        return new Outer(loss, grads);
    }

    @Override
    public float metaStep(TaskBatch b) {
        Outer o = outer(b);
        adam.step(params.flatten(o.grads()));
        return o.loss();
    }
}
