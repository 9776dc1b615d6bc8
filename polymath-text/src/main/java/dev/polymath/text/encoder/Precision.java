package dev.polymath.text.encoder;

import java.util.Locale;

/** Number format of an encoder's matrix products. */
public enum Precision {
    /** float32 throughout (ONNX Runtime or DJL/PyTorch). */
    FP32,
    /**
     * The linear layers' weights and inputs rounded to bfloat16, products accumulated in float32, everything else
     * (embeddings, attention, LayerNorm, GELU, residuals, pooling) in float32: DJL/PyTorch only, about twice the
     * float32 matrix rate on CPUs with avx512_bf16; vectors within cosine 0.9999 of float32 on the bundled data.
     */
    BF16;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Precision parse(String s) {
        for (Precision p : values()) if (p.id().equalsIgnoreCase(s.trim())) return p;
        throw new IllegalArgumentException("unknown precision '" + s + "'; expected fp32 or bf16");
    }
}
