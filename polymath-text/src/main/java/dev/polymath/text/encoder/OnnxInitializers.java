package dev.polymath.text.encoder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the names and shapes of the initializers (weights) of an ONNX model straight from its protobuf bytes,
 * because ONNX Runtime's Java API does not expose them. Only the fields needed are decoded; weight data is
 * skipped over, so scanning a 90 MB model takes milliseconds.
 *
 * <p>Wire layout used (onnx.proto3): ModelProto.graph = field 7; GraphProto.initializer = field 5 (TensorProto);
 * TensorProto.dims = field 1 (int64, packed or not), TensorProto.name = field 8.
 */
public final class OnnxInitializers {
    private OnnxInitializers() {}

    /** Initializer name → dims, in file order. Throws {@link ModelLoadException} on malformed protobuf. */
    public static Map<String, long[]> shapes(byte[] model) {
        var out = new LinkedHashMap<String, long[]>();
        var r = new Reader(model, 0, model.length);
        while (r.more()) {
            long tag = r.varint();
            int field = (int) (tag >>> 3), wire = (int) (tag & 7);
            if (field == 7 && wire == 2) {
                int len = r.length();
                readGraph(new Reader(model, r.pos, r.pos + len), out);
                r.pos += len;
            } else {
                r.skip(wire);
            }
        }
        return out;
    }

    /** Rows of the word-embedding table (the initializer whose name contains {@code word_embeddings}), or -1. */
    public static long wordEmbeddingRows(Map<String, long[]> shapes) {
        for (var e : shapes.entrySet()) {
            if (e.getKey().contains("word_embeddings") && e.getValue().length == 2) return e.getValue()[0];
        }
        return -1;
    }

    private static void readGraph(Reader r, Map<String, long[]> out) {
        while (r.more()) {
            long tag = r.varint();
            int field = (int) (tag >>> 3), wire = (int) (tag & 7);
            if (field == 5 && wire == 2) {
                int len = r.length();
                readTensor(new Reader(r.buf, r.pos, r.pos + len), out);
                r.pos += len;
            } else {
                r.skip(wire);
            }
        }
    }

    private static void readTensor(Reader r, Map<String, long[]> out) {
        long[] dims = new long[0];
        String name = null;
        while (r.more()) {
            long tag = r.varint();
            int field = (int) (tag >>> 3), wire = (int) (tag & 7);
            if (field == 1 && wire == 0) {
                dims = append(dims, r.varint());
            } else if (field == 1 && wire == 2) {
                int len = r.length();
                int end = r.pos + len;
                while (r.pos < end) dims = append(dims, r.varint());
            } else if (field == 8 && wire == 2) {
                int len = r.length();
                name = new String(r.buf, r.pos, len, java.nio.charset.StandardCharsets.UTF_8);
                r.pos += len;
            } else {
                r.skip(wire);
            }
        }
        if (name != null) out.put(name, dims);
    }

    private static long[] append(long[] a, long v) {
        long[] b = java.util.Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    private static final class Reader {
        final byte[] buf;
        int pos;
        final int end;

        Reader(byte[] buf, int pos, int end) {
            if (end > buf.length || pos > end) throw new ModelLoadException("malformed ONNX protobuf (length past end of file)");
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        boolean more() { return pos < end; }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) throw new ModelLoadException("malformed ONNX protobuf (truncated varint)");
                byte b = buf[pos++];
                result |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) return result;
            }
            throw new ModelLoadException("malformed ONNX protobuf (varint too long)");
        }

        int length() {
            long len = varint();
            if (len < 0 || pos + len > end) throw new ModelLoadException("malformed ONNX protobuf (field length " + len + " past end)");
            return (int) len;
        }

        void skip(int wire) {
            switch (wire) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    int len = length(); // read first: pos moves past the length prefix
                    pos += len;
                }
                case 5 -> pos += 4;
                default -> throw new ModelLoadException("malformed ONNX protobuf (wire type " + wire + ")");
            }
            if (pos > end) throw new ModelLoadException("malformed ONNX protobuf (field past end)");
        }
    }
}
