package dev.polymath.core.safetensors;

import java.util.Locale;

/**
 * Element types of the safetensors format. {@link #isFloat()} types are converted to {@code float} on read
 * (F64 is narrowed with round-to-nearest); integer and boolean types are readable as raw bytes only; the
 * 8-bit float formats are quantized and refused for float reads.
 */
public enum DType {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

    private final int size;

    DType(int size) { this.size = size; }

    /** Bytes per element. */
    public int size() { return size; }

    /** Whether reads as {@code float} are supported (F32, F16, BF16, F64). */
    public boolean isFloat() { return this == F32 || this == F16 || this == BF16 || this == F64; }

    /** Whether values of this type can be written from {@code float} (F32, F16, BF16). */
    public boolean isFloatWritable() { return this == F32 || this == F16 || this == BF16; }

    public boolean isQuantized() { return this == F8_E5M2 || this == F8_E4M3; }

    /** The type named {@code s} in a header, or {@code null} when the name is unknown. */
    public static DType fromHeader(String s) {
        for (DType d : values()) if (d.name().equals(s)) return d;
        return null;
    }

    /** Accepts header names and the usual aliases (float32, fp16, bfloat16, ...), case-insensitively. */
    public static DType parseLenient(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        return switch (k) {
            case "f32", "float32", "float", "fp32" -> F32;
            case "f16", "float16", "half", "fp16" -> F16;
            case "bf16", "bfloat16" -> BF16;
            case "f64", "float64", "double", "fp64" -> F64;
            default -> {
                DType d = fromHeader(s.trim().toUpperCase(Locale.ROOT));
                if (d == null) throw new IllegalArgumentException("unknown dtype '" + s + "' (expected float32, float16 or bfloat16)");
                yield d;
            }
        };
    }

    /** IEEE half bits to float (exact). */
    public static float f16ToFloat(short bits) { return Float.float16ToFloat(bits); }

    /** bfloat16 bits to float (exact: the upper 16 bits of a float32). */
    public static float bf16ToFloat(short bits) { return Float.intBitsToFloat((bits & 0xFFFF) << 16); }

    /** float to IEEE half, round to nearest even (overflow to infinity). */
    public static short floatToF16(float f) { return Float.floatToFloat16(f); }

    /** float to bfloat16, round to nearest even; NaN stays a (quiet) NaN. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
