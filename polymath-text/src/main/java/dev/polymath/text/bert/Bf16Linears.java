package dev.polymath.text.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * bfloat16 copies of a model's linear-layer weights and biases, for bf16 inference ({@code Precision.BF16}): each
 * linear layer then rounds its float32 input to bf16, multiplies with fp32 accumulation and returns its (bf16-rounded)
 * output as float32, so the rest of the forward is unchanged. The copies live in their own manager, freed by {@link #close}.
 */
final class Bf16Linears implements AutoCloseable {
    private final NDManager manager;
    private final Bf16Ops ops;
    private final Map<String, NDArray[]> layers = new HashMap<>();

    /** Copies {@code module.weight} and {@code module.bias} of each of {@code modules} from {@code params} (call with grad mode off). */
    Bf16Linears(NDManager parent, List<String> modules, Function<String, NDArray> params) {
        manager = parent.newSubManager();
        try {
            ops = Bf16Ops.load(manager);
            for (String m : modules) {
                layers.put(m, new NDArray[] {ops.toBf16(params.apply(m + ".weight"), manager), ops.toBf16(params.apply(m + ".bias"), manager)});
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** {@code x W^T + b} of layer {@code module} in bf16 (float32 in and out). */
    NDArray linear(NDArray x, String module) {
        NDArray[] wb = layers.get(module);
        if (wb == null) throw new IllegalStateException("no bf16 copy of linear layer '" + module + "'");
        return ops.linear(x, wb[0], wb[1]);
    }

    @Override
    public void close() {
        manager.close();
    }
}
