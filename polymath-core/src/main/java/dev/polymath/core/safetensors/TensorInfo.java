package dev.polymath.core.safetensors;

import java.util.Arrays;

/**
 * One header entry: name, element type, shape and the byte range {@code [begin, end)} relative to the start
 * of the data section.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    public long dim(int i) { return shape[i]; }

    public long numel() { return TensorSpec.numel(shape); }

    public long byteLength() { return end - begin; }

    public TensorSpec spec() { return new TensorSpec(name, dtype, shape); }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && t.name.equals(name) && t.dtype == dtype && Arrays.equals(t.shape, shape)
                && t.begin == begin && t.end == end;
    }

    @Override
    public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(shape); }

    @Override
    public String toString() { return name + " " + dtype + Arrays.toString(shape) + " [" + begin + "," + end + ")"; }
}
