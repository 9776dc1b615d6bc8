package dev.polymath.text.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Number format of an encoder's matrix products. */
public enum Precision {
    /** float32 throughout (ONNX Runtime or DJL/PyTorch). */
    FP32,
    /**
     * The linear layers' weights, inputs and outputs rounded to bfloat16, products accumulated in float32, everything else
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

    /**
     * Whether this CPU has native bf16 dot products (avx512_bf16 or AMX); without them PyTorch still computes bf16
     * correctly but slower than float32. Reads /proc/cpuinfo: false where it is absent.
     */
    public static boolean cpuHasNativeBf16() {
        try {
            String flags = Files.readString(Path.of("/proc/cpuinfo")).toLowerCase(Locale.ROOT);
            return flags.contains(" avx512_bf16") || flags.contains(" amx_bf16");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
