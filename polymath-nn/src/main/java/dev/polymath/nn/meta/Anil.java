package dev.polymath.nn.meta;

import ai.djl.ndarray.NDManager;

/**
 * ANIL, "almost no inner loop" (Raghu et al. 2020): the inner loop adapts only the head (the last layer);
 * the body is shared by all tasks and learned by the outer loop only. First-order outer gradient: the body
 * receives the query-loss gradient through the adapted heads.
 */
public final class Anil extends FoMaml {
    public Anil(Learner learner, MetaConfig config, NDManager parent) {
        super(learner, config, parent);
    }

    @Override
    public String name() {
        return "anil";
    }

    @Override
    protected int adaptFrom() {
        return learner.headStart();
    }
}
