package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A meta-learning algorithm over a functional {@link Learner}. The verbs are the same for all:
 * {@link #adapt} turns the meta-parameters and a support set into task-specific parameters (new tensors; the
 * meta-parameters are never written), {@link #predict} applies them to queries, and {@link #metaStep} does one
 * outer update on a meta-batch.
 *
 * <p>Memory: the meta-parameters and optimiser state live in the algorithm's own manager (closed by
 * {@link #close}); everything an adaptation or a meta-step creates lands in the manager of the batch's arrays,
 * which the caller opens per iteration and closes.
 */
public abstract class MetaAlgorithm implements AutoCloseable {
    protected final Learner learner;
    protected final MetaConfig config;
    protected final NDManager manager;
    protected final MetaParams params;
    protected final MetaAdam adam;
    /** Number of leading entries of {@link #params} that are the learner's (the rest are algorithm state, e.g. step sizes). */
    protected final int learnerParams;

    protected MetaAlgorithm(Learner learner, MetaConfig config, NDManager parent) {
        this.learner = learner;
        this.config = config;
        this.manager = parent.newSubManager();
        NDList init = learner.init(manager, config.seed());
        this.learnerParams = init.size();
        List<String> names = new ArrayList<>(learner.names());
        NDList extra = extraParams(init, names);
        if (extra != null) init.addAll(extra);
        this.params = MetaParams.of(manager, init, names);
        for (NDArray a : init) a.close();
        this.adam = new MetaAdam(params, config.outerLr());
    }

    /** Overwrites the learner's meta-parameters (the first entries) with {@code values}, e.g. from a checkpoint or a peer's init. */
    public void load(NDList values) {
        if (values.size() > params.size()) throw new IllegalArgumentException(values.size() + " tensors for " + params.size() + " parameters");
        for (int i = 0; i < values.size(); i++) {
            if (!values.get(i).getShape().equals(params.get(i).getShape())) {
                throw new IllegalArgumentException("parameter " + params.names().get(i) + ": shape " + values.get(i).getShape() + ", expected " + params.get(i).getShape());
            }
            // in-place arithmetic keeps the view on the flat buffer (NDArray.set would swap its storage)
            NDArray view = params.get(i);
            try (NDArray src = manager.create(values.get(i).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(), view.getShape())) {
                view.muli(0).addi(src);
            }
        }
    }

    /** Restores the meta-learned tensors by name from a checkpoint written by {@link MetaTrainer#checkpoint}. */
    public void restore(Map<String, Safetensors.Tensor> tensors) {
        NDList values = new NDList();
        for (int i = 0; i < params.size(); i++) {
            Safetensors.Tensor t = tensors.get(params.names().get(i));
            if (t == null) throw new IllegalArgumentException("checkpoint has no tensor " + params.names().get(i) + "; it holds " + tensors.keySet());
            values.add(manager.create(t.values(), new ai.djl.ndarray.types.Shape(t.shape())));
        }
        load(values);
        values.close();
    }

    /** Extra meta-learned tensors appended after the learner's (add their names to {@code names}); null for none. */
    protected NDList extraParams(NDList learnerInit, List<String> names) {
        return null;
    }

    public abstract String name();

    public Learner learner() {
        return learner;
    }

    public MetaConfig config() {
        return config;
    }

    /** All meta-learned tensors (learner parameters first), as views of the flat buffer. */
    public MetaParams params() {
        return params;
    }

    /** The learner's meta-parameters. */
    public NDList learnerParams() {
        return params.list().subNDList(0, learnerParams);
    }

    /** Parameters ({@code from..}) that inner steps update; 0 for all, the head for ANIL. */
    protected int adaptFrom() {
        return 0;
    }

    /** Whether this algorithm adapts by gradient steps; ProtoNet does not. */
    public boolean gradientBased() {
        return true;
    }

    /** Makes the batch's manager the home of temporaries (the meta-parameters return to their own on close). */
    protected void scope(NDArray batchArray) {
        params.tempAttach(batchArray.getManager());
    }

    /**
     * Task-specific parameters after {@code steps} inner SGD steps on the support set {@code xs, ys (T, N, ...)}:
     * a new list (per-task tensors with a leading {@code T}; entries before {@link #adaptFrom} are the shared
     * meta-parameters themselves, read-only).
     */
    public NDList adapt(NDArray xs, NDArray ys, int steps) {
        scope(xs);
        NDList fast = learnerParams();
        for (int s = 0; s < steps; s++) fast = innerStep(fast, xs, ys);
        return new NDList(fast);
    }

    /** One inner SGD step: {@code fast_i - lr * grad_i} for {@code i >= adaptFrom()}. */
    protected NDList innerStep(NDList fast, NDArray xs, NDArray ys) {
        int from = adaptFrom();
        Learner.LossGrads lg = learner.lossGrads(fast, xs, ys, false, from);
        NDList next = new NDList(fast.size());
        for (int i = 0; i < fast.size(); i++) {
            next.add(i < from ? fast.get(i) : lg.grads().get(i).muli(-stepSize(i)).addi(fast.get(i)));
        }
        return next;
    }

    /** Inner step size of parameter {@code i}: a scalar, or (Meta-SGD) a tensor of the parameter's shape. */
    protected float stepSize(int i) {
        return config.innerLr();
    }

    /** Outputs for queries {@code xq (T, Nq, ...)} with adapted parameters. */
    public NDArray predict(NDList adapted, NDArray xq) {
        return learner.forward(adapted, xq);
    }

    /** One outer update on a meta-batch; returns the meta-training loss (mean query loss after adaptation). */
    public abstract float metaStep(TaskBatch batch);

    /** The loss of {@link #predict}'s outputs. */
    protected Objective objective() {
        return learner.objective();
    }

    /** Per-task query loss (and accuracy for classification) after adapting with {@link MetaConfig#evalSteps}. */
    public Evaluation evaluate(TaskBatch batch) {
        return evaluate(batch, config.evalSteps());
    }

    public Evaluation evaluate(TaskBatch batch, int steps) {
        scope(batch.xs());
        NDList adapted = adapt(batch.xs(), batch.ys(), steps);
        NDArray out = predict(adapted, batch.xq());
        Objective obj = objective();
        float[] loss = obj.taskLosses(out, batch.yq()).toFloatArray();
        NDArray acc = obj.taskAccuracy(out, batch.yq());
        return new Evaluation(loss, acc == null ? null : acc.toFloatArray());
    }

    /** Per-task query losses and (classification) accuracies. */
    public record Evaluation(float[] loss, float[] accuracy) {}

    /** Named tensors to checkpoint: the meta-parameters and the outer optimiser's moments. */
    public Map<String, NDArray> state() {
        var out = new LinkedHashMap<String, NDArray>();
        for (int i = 0; i < params.size(); i++) out.put(params.names().get(i), params.get(i));
        out.put("adam.m", adam.firstMoment());
        out.put("adam.v", adam.secondMoment());
        return out;
    }

    public int outerSteps() {
        return adam.steps();
    }

    @Override
    public void close() {
        manager.close();
    }
}
