package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.List;

/**
 * Meta-SGD (Li et al. 2017): a learned step size per parameter entry, {@code phi = theta - alpha * grad},
 * with {@code alpha} initialised to the inner learning rate and meta-learned with {@code theta}.
 * The outer gradient is first-order in {@code theta} (the inner gradient is a constant), and exact for
 * {@code alpha}: {@code dL/d alpha = -sum_t grad_t * dL_t/d phi_t}.
 */
public final class MetaSgd extends MetaAlgorithm {
    private NDList lastInnerGrads;

    public MetaSgd(Learner learner, MetaConfig config, NDManager parent) {
        super(learner, config, parent);
    }

    @Override
    public String name() {
        return "meta-sgd";
    }

    @Override
    protected NDList extraParams(NDList init, List<String> names) {
        NDList alphas = new NDList();
        for (int i = 0; i < init.size(); i++) {
            alphas.add(init.get(i).onesLike().muli(config.innerLr()));
            names.add("alpha." + names.get(i));
        }
        return alphas;
    }

    /** The learned step sizes. */
    public NDList alphas() {
        return params.list().subNDList(learnerParams);
    }

    @Override
    protected NDList innerStep(NDList fast, NDArray xs, NDArray ys) {
        Learner.LossGrads lg = learner.lossGrads(fast, xs, ys, false, 0);
        NDList next = new NDList(fast.size());
        NDList alphas = alphas();
        for (int i = 0; i < fast.size(); i++) {
            next.add(lg.grads().get(i).mul(alphas.get(i)).negi().addi(fast.get(i)));
        }
        lastInnerGrads = lg.grads();
        return next;
    }

    @Override
    public float metaStep(TaskBatch b) {
        scope(b.xs());
        NDList fast = adapt(b.xs(), b.ys(), config.innerSteps());
        // per-task query gradients, scaled to the mean over tasks
        Learner.LossGrads q = learner.lossGrads(fast, b.xq(), b.yq(), false, 0);
        float inv = 1f / b.tasks();
        NDList grads = new NDList();
        NDList alphaGrads = new NDList();
        for (int i = 0; i < learnerParams; i++) {
            NDArray gq = q.grads().get(i).muli(inv);
            grads.add(gq.sum(new int[] {0}));
            alphaGrads.add(config.innerSteps() == 0 ? gq.sum(new int[] {0}).zerosLike()
                    : lastInnerGrads.get(i).mul(gq).sum(new int[] {0}).negi());
        }
        grads.addAll(alphaGrads);
        adam.step(params.flatten(grads));
        return q.losses().mean().getFloat();
    }
}
