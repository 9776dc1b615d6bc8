package dev.polymath.nn.meta;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

/**
 * Second-order MAML (Finn et al. 2017): the meta-gradient differentiates through the inner SGD steps.
 *
 * <p>DJL's {@link GradientCollector#backward} has no {@code create_graph} switch and no
 * {@code torch.autograd.grad}; the PyTorch engine's {@code JniUtils.backward(target, grad, keepGraph,
 * createGraph)} does, but only accumulates into the {@code .grad} of leaves. So each inner step adds a zero
 * leaf {@code Z} to the current fast weights: {@code Z.grad} is then the inner gradient at the fast weights, as
 * a differentiable tensor. The per-task copies {@code P} of the meta-parameters are leaves too; their
 * {@code .grad} also collects the inner losses' gradients, which are subtracted before the query backward is
 * read. Slower than {@link FoMaml} (autograd graph, Hessian-vector products); first-order is the default.
 */
public final class Maml extends MetaAlgorithm {
    public Maml(Learner learner, MetaConfig config, NDManager parent) {
        super(learner, config, parent);
    }

    @Override
    public String name() {
        return "maml";
    }

    @Override
    public float metaStep(TaskBatch b) {
        scope(b.xs());
        long tasks = b.tasks();
        NDList meta = learnerParams();
        NDList leaves = new NDList();
        for (NDArray p : meta) {
            NDArray leaf = p.stopGradient().expandDims(0).repeat(0, tasks);
            leaf.setRequiresGradient(true);
            leaves.add(leaf);
        }
        Objective obj = learner.objective();
        float lossValue;
        NDList grads = new NDList();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList fast = leaves;
            for (int s = 0; s < config.innerSteps(); s++) {
                NDList zeros = new NDList();
                NDList shifted = new NDList();
                for (NDArray f : fast) {
                    NDArray z = f.stopGradient().zerosLike();
                    z.setRequiresGradient(true);
                    zeros.add(z);
                    shifted.add(f.add(z));
                }
                NDArray ls = obj.taskLosses(learner.forward(shifted, b.xs()), b.ys()).sum();
                JniUtils.backward((PtNDArray) ls, (PtNDArray) ls.onesLike(), true, true);
                NDList next = new NDList();
                for (int i = 0; i < fast.size(); i++) {
                    next.add(fast.get(i).sub(zeros.get(i).getGradient().mul(config.innerLr())));
                }
                fast = next;
            }
            NDList before = new NDList();
            for (NDArray leaf : leaves) {
                before.add(config.innerSteps() > 0 ? leaf.getGradient().stopGradient().duplicate() : null);
            }
            NDArray lq = obj.taskLosses(learner.forward(fast, b.xq()), b.yq()).mean();
            JniUtils.backward((PtNDArray) lq, (PtNDArray) lq.onesLike(), false, false);
            lossValue = lq.getFloat();
            for (int i = 0; i < leaves.size(); i++) {
                NDArray g = leaves.get(i).getGradient().stopGradient();
                if (before.get(i) != null) g = g.sub(before.get(i));
                grads.add(g.sum(new int[] {0}));
            }
        }
        adam.step(params.flatten(grads));
        return lossValue;
    }
}
