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

    /** A float32 initializer with its data (row-major, as stored). */
    public record FloatInitializer(String name, long[] dims, float[] data) {}

    /** A graph node: its name, operator and input/output value names. */
    public record Node(String name, String opType, java.util.List<String> inputs, java.util.List<String> outputs) {}

    /**
     * The float32 initializers (with their data) and the nodes of an ONNX model. Initializers of other types are
     * listed in {@code otherInitializers} by name only; externally stored data is refused.
     */
    public record Graph(Map<String, FloatInitializer> initializers, java.util.Set<String> otherInitializers,
                        java.util.List<Node> nodes) {}

    /**
     * Reads the float32 initializers with their data and the nodes. Layout used (onnx.proto3): GraphProto.node =
     * field 1 (NodeProto: input 1, output 2, name 3, op_type 4); TensorProto.data_type = field 2 (1 = FLOAT),
     * float_data = 4, raw_data = 9 (little-endian), data_location = 14 (1 = EXTERNAL).
     */
    public static Graph graph(byte[] model, String label) {
        var inits = new LinkedHashMap<String, FloatInitializer>();
        var others = new java.util.LinkedHashSet<String>();
        var nodes = new java.util.ArrayList<Node>();
        var r = new Reader(model, 0, model.length);
        while (r.more()) {
            long tag = r.varint();
            int field = (int) (tag >>> 3), wire = (int) (tag & 7);
            if (field == 7 && wire == 2) {
                int len = r.length();
                var g = new Reader(model, r.pos, r.pos + len);
                while (g.more()) {
                    long t = g.varint();
                    int f = (int) (t >>> 3), w = (int) (t & 7);
                    if (f == 5 && w == 2) {
                        int l = g.length();
                        readFloatTensor(new Reader(model, g.pos, g.pos + l), inits, others, label);
                        g.pos += l;
                    } else if (f == 1 && w == 2) {
                        int l = g.length();
                        nodes.add(readNode(new Reader(model, g.pos, g.pos + l)));
                        g.pos += l;
                    } else {
                        g.skip(w);
                    }
                }
                r.pos += len;
            } else {
                r.skip(wire);
            }
        }
        return new Graph(java.util.Collections.unmodifiableMap(inits), java.util.Collections.unmodifiableSet(others),
                java.util.List.copyOf(nodes));
    }

    private static Node readNode(Reader r) {
        var in = new java.util.ArrayList<String>();
        var out = new java.util.ArrayList<String>();
        String name = "", op = "";
        while (r.more()) {
            long tag = r.varint();
            int field = (int) (tag >>> 3), wire = (int) (tag & 7);
            if (wire == 2 && field >= 1 && field <= 4) {
                String s = r.string();
                switch (field) {
                    case 1 -> in.add(s);
                    case 2 -> out.add(s);
                    case 3 -> name = s;
                    default -> op = s;
                }
            } else {
                r.skip(wire);
            }
        }
        return new Node(name, op, java.util.List.copyOf(in), java.util.List.copyOf(out));
    }

    private static void readFloatTensor(Reader r, Map<String, FloatInitializer> out, java.util.Set<String> others, String label) {
        long[] dims = new long[0];
        String name = null;
        int dataType = 0;
        int rawPos = -1, rawLen = 0;
        float[] floatData = new float[0];
        int nFloat = 0;
        boolean external = false;
        while (r.more()) {
            long tag = r.varint();
            int field = (int) (tag >>> 3), wire = (int) (tag & 7);
            if (field == 1) {
                dims = readDims(r, wire, dims);
            } else if (field == 2 && wire == 0) {
                dataType = (int) r.varint();
            } else if (field == 8 && wire == 2) {
                name = r.string();
            } else if (field == 9 && wire == 2) {
                rawLen = r.length();
                rawPos = r.pos;
                r.pos += rawLen;
            } else if (field == 4 && wire == 2) {
                int len = r.length();
                if (len % 4 != 0) throw new ModelLoadException("malformed ONNX protobuf (float_data of " + len + " bytes)");
                var fb = java.nio.ByteBuffer.wrap(r.buf, r.pos, len).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                floatData = java.util.Arrays.copyOf(floatData, nFloat + len / 4);
                for (int i = 0; i < len / 4; i++) floatData[nFloat++] = fb.getFloat();
                r.pos += len;
            } else if (field == 4 && wire == 5) {
                if (nFloat == floatData.length) floatData = java.util.Arrays.copyOf(floatData, Math.max(8, nFloat * 2));
                floatData[nFloat++] = java.nio.ByteBuffer.wrap(r.buf, r.pos, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat();
                r.pos += 4;
            } else if (field == 14 && wire == 0) {
                external = r.varint() == 1;
            } else {
                r.skip(wire);
            }
        }
        if (name == null) return;
        if (dataType != 1) {
            others.add(name);
            return;
        }
        if (external) {
            throw new ModelLoadException(label + ": initializer '" + name + "' keeps its data in an external file, which is not supported");
        }
        long numel = 1;
        for (long d : dims) numel = Math.multiplyExact(numel, d);
        float[] data;
        if (rawPos >= 0) {
            if (rawLen != numel * 4) {
                throw new ModelLoadException(label + ": initializer '" + name + "' has " + rawLen + " bytes of data for shape "
                        + java.util.Arrays.toString(dims) + " (" + numel * 4 + " expected)");
            }
            data = new float[(int) numel];
            java.nio.ByteBuffer.wrap(r.buf, rawPos, rawLen).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        } else {
            if (nFloat != numel) {
                throw new ModelLoadException(label + ": initializer '" + name + "' has " + nFloat + " values for shape "
                        + java.util.Arrays.toString(dims) + " (" + numel + " expected)");
            }
            data = java.util.Arrays.copyOf(floatData, nFloat);
        }
        out.put(name, new FloatInitializer(name, dims, data));
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
            if (field == 1) {
                dims = readDims(r, wire, dims);
            } else if (field == 8 && wire == 2) {
                name = r.string();
            } else {
                r.skip(wire);
            }
        }
        if (name != null) out.put(name, dims);
    }

    /** TensorProto.dims (field 1), unpacked (one varint) or packed (a length-delimited run of varints). */
    private static long[] readDims(Reader r, int wire, long[] dims) {
        if (wire == 0) return append(dims, r.varint());
        if (wire != 2) {
            r.skip(wire);
            return dims;
        }
        int end = r.pos + r.length();
        while (r.pos < end) dims = append(dims, r.varint());
        return dims;
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

        String string() {
            int len = length();
            String v = new String(buf, pos, len, java.nio.charset.StandardCharsets.UTF_8);
            pos += len;
            return v;
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
