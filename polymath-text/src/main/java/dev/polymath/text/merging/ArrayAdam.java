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
    private record Slot(NDArray param, NDArray m, NDArray v, float lr, boolean ascend, boolean sgd) {}

    private final NDManager manager;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
    private long t;

    ArrayAdam(NDManager manager) {
        this.manager = manager;
    }

    /** A new trainable array (requires gradient) with {@code init}, updated by Adam at {@code lr}. */
    NDArray adam(String name, NDArray init, double lr, boolean ascend) {
        return add(name, init, lr, ascend, false);
    }

    /** A new trainable array updated by plain SGD at {@code lr}. */
    NDArray sgd(String name, NDArray init, double lr) {
        return add(name, init, lr, false, true);
    }

    private NDArray add(String name, NDArray init, double lr, boolean ascend, boolean sgd) {
        init.setRequiresGradient(true);
        NDArray m = sgd ? null : manager.zeros(init.getShape());
        NDArray v = sgd ? null : manager.zeros(init.getShape());
        slots.put(name, new Slot(init, m, v, (float) lr, ascend, sgd));
        return init;
    }

    List<NDArray> arrays() {
        var out = new ArrayList<NDArray>();
        for (Slot s : slots.values()) {
            out.add(s.param());
            if (!s.sgd()) {
                out.add(s.m());
                out.add(s.v());
            }
        }
        return out;
    }

    /** One step on every array that has a gradient; gradients are zeroed. */
    void step() {
        t++;
        float bc1 = (float) (1 - Math.pow(beta1, t)), bc2 = (float) Math.sqrt(1 - Math.pow(beta2, t));
        try (GradMode g = GradMode.off()) {
            for (Slot s : slots.values()) {
                NDArray grad = s.param().getGradient();
                if (grad == null) continue;
                float sign = s.ascend() ? -1f : 1f;
                if (s.sgd()) {
                    s.param().subi(grad.mul(s.lr() * sign));
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
