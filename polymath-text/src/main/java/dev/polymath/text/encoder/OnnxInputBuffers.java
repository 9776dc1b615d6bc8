package dev.polymath.text.encoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;

/**
 * The padded {@code input_ids}, {@code attention_mask} and {@code token_type_ids} of one batch, written into
 * direct buffers that an encoder keeps and reuses. ONNX Runtime wraps a direct buffer without copying it, whereas
 * a heap array (e.g. {@code LongBuffer.wrap}) is copied into a fresh direct buffer on every call, which is freed
 * only when the collector gets round to it. The buffers grow to the largest batch seen and are then reused.
 * Inputs are int64 or int32, as the graph declares.
 */
final class OnnxInputBuffers {
    private final boolean int32;
    private Buffer ids, mask, types;
    private int capacity;

    OnnxInputBuffers(boolean int32) {
        this.int32 = int32;
    }

    /** Fills the buffers for {@code batch} (rows of token ids) padded to the longest row; returns that length. */
    int fill(long[][] batch) {
        int b = batch.length, seq = 0;
        for (long[] row : batch) seq = Math.max(seq, row.length);
        int n = Math.multiplyExact(b, seq);
        if (n > capacity) allocate(Math.max(n, capacity * 2));
        if (int32) {
            int[] idRow = new int[seq], maskRow = new int[seq];
            IntBuffer idb = (IntBuffer) ids.clear(), mb = (IntBuffer) mask.clear(), tb = (IntBuffer) types.clear();
            for (long[] row : batch) {
                for (int t = 0; t < seq; t++) {
                    idRow[t] = t < row.length ? Math.toIntExact(row[t]) : 0;
                    maskRow[t] = t < row.length ? 1 : 0;
                }
                idb.put(idRow);
                mb.put(maskRow);
                tb.put(new int[seq]);
            }
        } else {
            long[] idRow = new long[seq], maskRow = new long[seq], zeros = new long[seq];
            LongBuffer idb = (LongBuffer) ids.clear(), mb = (LongBuffer) mask.clear(), tb = (LongBuffer) types.clear();
            for (long[] row : batch) {
                System.arraycopy(row, 0, idRow, 0, row.length);
                Arrays.fill(idRow, row.length, seq, 0L);
                Arrays.fill(maskRow, 0, row.length, 1L);
                Arrays.fill(maskRow, row.length, seq, 0L);
                idb.put(idRow);
                mb.put(maskRow);
                tb.put(zeros);
            }
        }
        for (Buffer buf : new Buffer[] {ids, mask, types}) buf.flip();
        return seq;
    }

    private void allocate(int elements) {
        int bytes = Math.multiplyExact(elements, int32 ? Integer.BYTES : Long.BYTES);
        ids = view(ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder()));
        mask = view(ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder()));
        types = view(ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder()));
        capacity = elements;
    }

    private Buffer view(ByteBuffer bytes) {
        return int32 ? bytes.asIntBuffer() : bytes.asLongBuffer();
    }

    OnnxTensor ids(OrtEnvironment env, long[] shape) throws OrtException { return tensor(env, ids, shape); }
    OnnxTensor mask(OrtEnvironment env, long[] shape) throws OrtException { return tensor(env, mask, shape); }
    OnnxTensor types(OrtEnvironment env, long[] shape) throws OrtException { return tensor(env, types, shape); }

    private OnnxTensor tensor(OrtEnvironment env, Buffer buf, long[] shape) throws OrtException {
        return int32 ? OnnxTensor.createTensor(env, (IntBuffer) buf, shape) : OnnxTensor.createTensor(env, (LongBuffer) buf, shape);
    }
}
