package dev.polymath.nn.meta;

import dev.polymath.nn.Scalars;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

/**
 * Prototypical networks (Snell et al. 2017): the learner is an embedding network; a class's prototype is the
 * mean embedding of its support examples; a query's logits are minus its squared Euclidean distances to the
 * prototypes. "Adapting" computes the prototypes (no gradient steps). Trained end to end through autograd on
 * the query cross-entropy.
 */
public final class ProtoNet extends MetaAlgorithm {
    public ProtoNet(Learner learner, MetaConfig config, NDManager parent) {
        super(learner, config, parent);
    }

    @Override
    public String name() {
        return "protonet";
    }

    @Override
    public boolean gradientBased() {
        return false;
    }

    /** Class means of support embeddings {@code (T, Ns, D)} with labels {@code (T, Ns)}: {@code (T, ways, D)}. */
    public static NDArray prototypes(NDArray embeddings, NDArray labels, int ways) {
        NDArray onehot = labels.oneHot(ways, DataType.FLOAT32);            // (T, Ns, W)
        NDArray counts = onehot.sum(new int[] {1}).expandDims(2);          // (T, W, 1)
        return onehot.transpose(0, 2, 1).batchMatMul(embeddings).div(counts);
    }

    /** Squared Euclidean distances {@code (T, Nq, W)} between queries {@code (T, Nq, D)} and prototypes {@code (T, W, D)}. */
    public static NDArray squaredDistances(NDArray queries, NDArray protos) {
        NDArray qq = queries.square().sum(new int[] {2}, true);            // (T, Nq, 1)
        NDArray pp = protos.square().sum(new int[] {2}).expandDims(1);     // (T, 1, W)
        return Scalars.mul(queries.batchMatMul(protos.transpose(0, 2, 1)), -2f).add(qq).add(pp);
    }

    private static int ways(NDArray labels) {
        return (int) labels.max().toType(DataType.INT64, false).getLong() + 1;
    }

    /** The meta-parameters followed by the prototypes {@code (T, ways, D)}. */
    @Override
    public NDList adapt(NDArray xs, NDArray ys, int steps) {
        scope(xs);
        NDList out = new NDList(learnerParams());
        out.add(prototypes(learner.forward(learnerParams(), xs), ys, ways(ys)));
        return out;
    }

    /** Logits: minus squared distances to the prototypes. */
    @Override
    public NDArray predict(NDList adapted, NDArray xq) {
        NDList body = adapted.subNDList(0, learnerParams);
        return squaredDistances(learner.forward(body, xq), adapted.get(learnerParams)).neg();
    }

    @Override
    protected Objective objective() {
        return Objective.CROSS_ENTROPY;
    }

    @Override
    public float metaStep(TaskBatch b) {
        scope(b.xs());
        int ways = ways(b.ys());
        NDList leaves = new NDList();
        for (NDArray p : learnerParams()) {
            NDArray leaf = p.stopGradient();
            leaf.setRequiresGradient(true);
            leaves.add(leaf);
        }
        float loss;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray protos = prototypes(learner.forward(leaves, b.xs()), b.ys(), ways);
            NDArray logits = squaredDistances(learner.forward(leaves, b.xq()), protos).neg();
            NDArray l = Objective.CROSS_ENTROPY.taskLosses(logits, b.yq()).mean();
            gc.backward(l);
            loss = l.getFloat();
        }
        NDList grads = new NDList();
        for (NDArray leaf : leaves) grads.add(leaf.getGradient());
        adam.step(params.flatten(grads));
        return loss;
    }
}
