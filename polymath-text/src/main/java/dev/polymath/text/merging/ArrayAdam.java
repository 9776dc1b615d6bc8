package dev.polymath.text.merging;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.polymath.text.bert.GradMode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (torch.optim.Adam, no weight decay) or plain SGD over a few named arrays: merge coefficients, mask logits,
 * soft-trigger embeddings. {@code ascend} flips the sign of the step for arrays that maximize the loss (an
 * adversary trained in the same backward pass). Moments live in {@code manager}; attach {@link #arrays()} to the
 * step that does the update.
 */
final class ArrayAdam {
    private record Slot(NDArray param, NDArray m, NDArray v, float lr, boolean ascend, boolean sgd, String group) {}

    /** Largest change of one entry in one step of a group-normalized slot (an entry with a rare, large gradient). */
    static final float GROUP_MAX_STEP = 1f;

    private final NDManager manager;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Map<String, Double> groupV = new LinkedHashMap<>();
    private final float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
    private long t;

    ArrayAdam(NDManager manager) {
        this.manager = manager;
    }

    /** A new trainable array (requires gradient) with {@code init}, updated by Adam at {@code lr}. */
    NDArray adam(String name, NDArray init, double lr, boolean ascend) {
        return add(name, init, lr, ascend, false, null);
    }

    /**
     * A new trainable array updated by Adam whose second moment is one scalar shared by every array of
     * {@code group} (the running mean of the squared gradient over all their entries) instead of one per entry:
     * an entry moves in proportion to its gradient, so the few entries with a large gradient move fast and the rest
     * barely (per-entry Adam moves every entry with a consistent sign at the same rate). Steps are clipped to
     * {@link #GROUP_MAX_STEP}.
     */
    NDArray adamGrouped(String name, NDArray init, double lr, String group) {
        return add(name, init, lr, false, false, group);
    }

    /** A new trainable array updated by plain SGD at {@code lr}. */
    NDArray sgd(String name, NDArray init, double lr) {
        return add(name, init, lr, false, true, null);
    }

    private NDArray add(String name, NDArray init, double lr, boolean ascend, boolean sgd, String group) {
        init.setRequiresGradient(true);
        NDArray m = sgd ? null : manager.zeros(init.getShape());
        NDArray v = sgd || group != null ? null : manager.zeros(init.getShape());
        slots.put(name, new Slot(init, m, v, (float) lr, ascend, sgd, group));
        if (group != null) groupV.putIfAbsent(group, 0.0);
        return init;
    }

    List<NDArray> arrays() {
        var out = new ArrayList<NDArray>();
        for (Slot s : slots.values()) {
            out.add(s.param());
            if (s.m() != null) out.add(s.m());
            if (s.v() != null) out.add(s.v());
        }
        return out;
    }

    /** Steps skipped because a gradient was not finite. */
    private int skipped;

    int skipped() { return skipped; }

    /**
     * One step on every array that has a gradient; gradients are zeroed. A step whose gradients are not all finite
     * is skipped for every array (as mixed-precision loss scalers do): one inf entry would turn a moment, then the
     * arrays, into NaN for good (seen once in DAM's mask learning on TweetEval, after 51 finite steps).
     */
    void step() {
        try (GradMode g = GradMode.off()) {
            for (Slot s : slots.values()) {
                NDArray grad = s.param().getGradient();
                if (grad != null && !Float.isFinite(grad.abs().max().getFloat())) {
                    skipped++;
                    for (Slot z : slots.values()) if (z.param().getGradient() != null) JniUtils.zeroGrad((PtNDArray) z.param());
                    return;
                }
            }
        }
        t++;
        float bc1 = (float) (1 - Math.pow(beta1, t)), bc2 = (float) Math.sqrt(1 - Math.pow(beta2, t));
        try (GradMode g = GradMode.off()) {
            var sumSq = new LinkedHashMap<String, double[]>();
            for (Slot s : slots.values()) {
                NDArray grad = s.param().getGradient();
                if (s.group() == null || grad == null) continue;
                double[] acc = sumSq.computeIfAbsent(s.group(), k -> new double[2]);
                acc[0] += grad.square().sum().getFloat();
                acc[1] += grad.size();
            }
            sumSq.forEach((k, acc) -> groupV.put(k, beta2 * groupV.get(k) + (1 - beta2) * acc[0] / acc[1]));
            for (Slot s : slots.values()) {
                NDArray grad = s.param().getGradient();
                if (grad == null) continue;
                float sign = s.ascend() ? -1f : 1f;
                if (s.sgd()) {
                    s.param().subi(grad.mul(s.lr() * sign));
                } else if (s.group() != null) {
                    s.m().muli(beta1).addi(grad.mul(1 - beta1));
                    float denom = (float) (Math.sqrt(groupV.get(s.group())) / bc2 + eps);
                    s.param().subi(s.m().mul(s.lr() / bc1 * sign / denom).clip(-GROUP_MAX_STEP, GROUP_MAX_STEP));
                } else {
                    s.m().muli(beta1).addi(grad.mul(1 - beta1));
                    s.v().muli(beta2).addi(grad.square().muli(1 - beta2));
                    NDArray denom = s.v().sqrt().divi(bc2).addi(eps);
                    s.param().subi(s.m().div(denom).muli(s.lr() / bc1 * sign));
                }
                JniUtils.zeroGrad((PtNDArray) s.param());
            }
        }
    }
}
