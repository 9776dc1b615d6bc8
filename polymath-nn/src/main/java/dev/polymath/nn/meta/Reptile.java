package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Reptile (Nichol et al. 2018), batched version: adapt every task of the meta-batch with {@code innerSteps} SGD
 * steps on its support set, then move the meta-parameters towards the mean adapted parameters,
 * {@code theta <- theta + epsilon (mean_t phi_t - theta)} ({@link MetaConfig#reptileStep}). No outer optimiser.
 */
public final class Reptile extends MetaAlgorithm {
    private int steps;

    public Reptile(Learner learner, MetaConfig config, NDManager parent) {
        super(learner, config, parent);
    }

    @Override
    public String name() {
        return "reptile";
    }

    @Override
    public float metaStep(TaskBatch b) {
        scope(b.xs());
        NDList fast = adapt(b.xs(), b.ys(), Math.max(1, config.innerSteps()));
        float loss = learner.objective().taskLosses(learner.forward(fast, b.xq()), b.yq()).mean().getFloat();
        NDList target = new NDList();
        for (int i = 0; i < fast.size(); i++) {
            NDArray f = fast.get(i);
            target.add(learner.perTask(fast, i) ? f.mean(new int[] {0}) : f);
        }
        // theta - epsilon * (theta - mean phi), on the flat buffer
        NDArray diff = params.flatten(target).negi().addi(params.flat());
        params.flat().subi(diff.muli(config.reptileStep()));
        steps++;
        return loss;
    }

    @Override
    public int outerSteps() {
        return steps;
    }
}
