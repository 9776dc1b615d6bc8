package dev.polymath.nn.meta;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * First-order MAML (Finn et al. 2017, section 5.2): the inner gradient is treated as a constant, so the
 * meta-gradient is the query-loss gradient at the adapted parameters, averaged over tasks. All tasks of a
 * meta-batch are processed together (per-task parameters with a leading task dimension).
 */
public class FoMaml extends MetaAlgorithm {
    public FoMaml(Learner learner, MetaConfig config, NDManager parent) {
        super(learner, config, parent);
    }

    @Override
    public String name() {
        return "maml-fo";
    }

    @Override
    public float metaStep(TaskBatch b) {
        scope(b.xs());
        NDList fast = adapt(b.xs(), b.ys(), config.innerSteps());
        Learner.LossGrads q = learner.lossGrads(fast, b.xq(), b.yq(), true, 0);
        adam.step(params.flatten(outerGrads(fast, q.grads())));
        return q.losses().mean().getFloat();
    }

    /** Meta-gradients for every meta-learned tensor from the query gradients at the adapted parameters. */
    protected NDList outerGrads(NDList fast, NDList queryGrads) {
        return queryGrads;
    }
}
