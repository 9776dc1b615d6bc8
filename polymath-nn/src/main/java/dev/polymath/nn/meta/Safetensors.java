package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal, private safetensors writer and reader for float32 checkpoints (the project-wide
 * {@code dev.polymath.core.safetensors} package is not on this branch): an 8-byte little-endian header length,
 * a JSON header {@code {name: {dtype: "F32", shape, data_offsets}, "__metadata__": {...}}} padded with spaces to
 * a multiple of 8, then the raw little-endian data. Files are written to a temporary sibling and moved into place.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {}

    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode md = header.putObject("__metadata__");
            metadata.forEach(md::put);
        }
        var data = new ArrayList<float[]>();
        long off = 0;
        for (var e : tensors.entrySet()) {
            float[] v = e.getValue().toType(DataType.FLOAT32, false).toFloatArray();
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : e.getValue().getShape().getShape()) shape.add(d);
            t.putArray("data_offsets").add(off).add(off + 4L * v.length);
            off += 4L * v.length;
            data.add(v);
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate((int) (8 + padded + off)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) buf.put((byte) ' ');
        for (float[] v : data) for (float f : v) buf.putFloat(f);
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
            Files.write(tmp, buf.array());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** A float32 tensor read back: shape and values. */
    public record Tensor(long[] shape, float[] values) {}

    public static Map<String, Tensor> read(Path file) {
        try {
            byte[] all = Files.readAllBytes(file);
            ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            long n = buf.getLong();
            if (n < 2 || n > all.length - 8) throw new IOException("bad header length " + n);
            var header = JSON.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
            var out = new LinkedHashMap<String, Tensor>();
            for (var it = header.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                if (!"F32".equals(e.getValue().get("dtype").asText())) throw new IOException(e.getKey() + ": only F32 is supported");
                List<Long> shape = new ArrayList<>();
                e.getValue().get("shape").forEach(d -> shape.add(d.asLong()));
                long a = e.getValue().get("data_offsets").get(0).asLong(), b = e.getValue().get("data_offsets").get(1).asLong();
                float[] v = new float[(int) ((b - a) / 4)];
                ByteBuffer d = ByteBuffer.wrap(all, (int) (8 + n + a), (int) (b - a)).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < v.length; i++) v[i] = d.getFloat();
                out.put(e.getKey(), new Tensor(shape.stream().mapToLong(Long::longValue).toArray(), v));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }
}
