package dev.polymath.text.io;

import dev.polymath.core.util.AtomicFiles;
import dev.polymath.text.FloatMatrix;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes an embedding matrix as NumPy {@code .npy} or {@code .safetensors}, atomically (temporary file, fsync,
 * rename). Kept small and private to this module; the general safetensors I/O lives in core.
 *
 * <ul>
 *   <li>{@code .npy}: format version 1.0, header dict {@code {'descr': '<f4', 'fortran_order': False, 'shape': (rows, cols), }}
 *       padded with spaces and a final newline so the data starts at a multiple of 64 bytes; float32 little-endian, row-major.</li>
 *   <li>{@code .safetensors}: 8-byte little-endian header length, a JSON header with one F32 tensor
 *       {@code embeddings} of shape [rows, cols] (and string metadata), padded with spaces to a multiple of 8;
 *       then the float32 little-endian data.</li>
 * </ul>
 */
public final class EmbeddingFiles {
    private EmbeddingFiles() {}

    /** Writes by extension: {@code .npy} or {@code .safetensors}. */
    public static void write(Path file, FloatMatrix m, Map<String, String> metadata) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) writeNpy(file, m);
        else if (name.endsWith(".safetensors")) writeSafetensors(file, m, metadata);
        else throw new IllegalArgumentException("output " + file + ": unknown format; use a .npy or .safetensors file name");
    }

    public static void writeNpy(Path file, FloatMatrix m) {
        AtomicFiles.write(file, out -> {
            out.write(npyHeader(m.rows(), m.cols()));
            writeFloats(out, m.data());
        });
    }

    static byte[] npyHeader(int rows, int cols) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int preamble = 10; // magic(6) + version(2) + header length(2)
        int total = preamble + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - total) + "\n";
        ByteBuffer b = ByteBuffer.allocate(preamble + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    public static void writeSafetensors(Path file, FloatMatrix m, Map<String, String> metadata) {
        long bytes = 4L * m.data().length;
        var sb = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            sb.append("\"__metadata__\":{");
            boolean first = true;
            for (var e : new TreeMap<>(metadata).entrySet()) {
                if (!first) sb.append(',');
                first = false;
                sb.append(json(e.getKey())).append(':').append(json(e.getValue()));
            }
            sb.append("},");
        }
        sb.append("\"embeddings\":{\"dtype\":\"F32\",\"shape\":[").append(m.rows()).append(',').append(m.cols())
                .append("],\"data_offsets\":[0,").append(bytes).append("]}}");
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;
        byte[] header = new byte[json.length + pad];
        System.arraycopy(json, 0, header, 0, json.length);
        java.util.Arrays.fill(header, json.length, header.length, (byte) ' ');
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
            writeFloats(out, m.data());
        });
    }

    private static void writeFloats(OutputStream out, float[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) {
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(f);
        }
        out.write(buf.array(), 0, buf.position());
    }

    private static String json(String s) {
        var sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
