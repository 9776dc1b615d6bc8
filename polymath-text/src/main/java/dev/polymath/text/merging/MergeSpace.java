package dev.polymath.text.merging;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.polymath.text.bert.BertModel;
import dev.polymath.text.bert.BertWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The space learned merging searches: a base {@link BertModel} (frozen) and the task vectors
 * {@code tau_k = finetuned_k - base} of K fine-tuned encoders, stacked per tensor as [K, numel] arrays, so that a
 * merged tensor is one small matrix product that stays differentiable in the coefficients and the mask:
 * <pre>
 *   merged_t = base_t + reshape(c_t [1, K] x tau_t [K, numel]) * m'_t,   m'_t = m_t / mean(m_t) (or 1)
 * </pre>
 * where {@code c_t} is row {@code g(t)} of the coefficients' transpose (one group for task-wise coefficients, one
 * per tensor for layer-wise). Tensors whose task vectors are all zero (the unused pooler) stay at the base.
 * The arrays live in a child manager of the model; pass {@link #arrays()} to {@link BertModel#newStep} so that
 * results computed from them are freed with the step.
 */
public final class MergeSpace implements AutoCloseable {
    private final BertModel model;
    private final NDManager manager;
    private final List<String> names = new ArrayList<>();
    private final Map<String, NDArray> taus = new LinkedHashMap<>();
    private final int models;

    public MergeSpace(BertModel base, List<BertWeights> finetuned) {
        if (finetuned.isEmpty()) throw new IllegalArgumentException("no fine-tuned models to merge");
        this.model = base;
        this.models = finetuned.size();
        base.freeze(n -> true);
        this.manager = base.newChildManager();
        try {
            for (String name : base.parameterNames()) {
                float[] b = base.parameterValues(name);
                float[] stack = new float[Math.multiplyExact(models, b.length)];
                boolean nonZero = false;
                for (int k = 0; k < models; k++) {
                    BertWeights.Tensor t = finetuned.get(k).get(name);
                    if (t == null) throw new IllegalArgumentException(finetuned.get(k).label() + ": no tensor '" + name + "'");
                    if (!Arrays.equals(t.shape(), base.parameterShape(name))) {
                        throw new IllegalArgumentException(finetuned.get(k).label() + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                                + ", the base " + Arrays.toString(base.parameterShape(name)));
                    }
                    float[] d = t.data();
                    int o = k * b.length;
                    for (int i = 0; i < b.length; i++) {
                        float v = d[i] - b[i];
                        stack[o + i] = v;
                        nonZero |= v != 0;
                    }
                }
                if (!nonZero) continue;
                names.add(name);
                taus.put(name, manager.create(stack, new Shape(models, b.length)));
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public BertModel model() { return model; }

    /** Number of task vectors K. */
    public int models() { return models; }

    /** The tensors that are merged (non-zero task vectors), in the model's order; layer-wise group g is names().get(g). */
    public List<String> names() { return List.copyOf(names); }

    public long[] shape(String name) { return model.parameterShape(name); }

    /** Arrays to attach to a step (the stacked task vectors). */
    public List<NDArray> arrays() { return List.copyOf(taus.values()); }

    /**
     * Merged weights for one forward, computed now in the step: {@code coefficients} [K, G] with G = 1 (task-wise)
     * or G = {@code names().size()} (layer-wise); {@code masks} (name → mask of the tensor's shape, already
     * rescaled) may be null or lack tensors (no mask there). Unmerged tensors are the base parameters.
     */
    public Function<String, NDArray> merged(BertModel.Step step, NDArray coefficients, Map<String, NDArray> masks) {
        long groups = coefficients.getShape().get(1);
        if (coefficients.getShape().get(0) != models || (groups != 1 && groups != names.size())) {
            throw new IllegalArgumentException("coefficients of shape " + coefficients.getShape() + "; expected [" + models + ", 1 or " + names.size() + "]");
        }
        NDArray ct = coefficients.transpose();   // [G, K]
        var out = new LinkedHashMap<String, NDArray>();
        for (int g = 0; g < names.size(); g++) {
            String name = names.get(g);
            NDArray c = ct.get(groups == 1 ? 0 : g).reshape(1, models);
            NDArray delta = c.matMul(taus.get(name)).reshape(new Shape(shape(name)));
            NDArray m = masks == null ? null : masks.get(name);
            if (m != null) delta = delta.mul(m);
            out.put(name, model.parameter(name).add(delta));
        }
        return n -> {
            NDArray a = out.get(n);
            return a != null ? a : model.parameter(n);
        };
    }

    @Override
    public void close() {
        manager.close();
    }
}
