package dev.polymath.nn.mtl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polymath.core.util.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint in the safetensors format (8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the raw little-endian data): every parameter under its name,
 * the optimizer's moments as {@code optimizer.m} / {@code optimizer.v} (flat), and string metadata
 * ({@code __metadata__}: epoch, optimizer step, best score, ...).
 * <p>A minimal private F32-only reader/writer: the project's general safetensors package was not on this branch
 * when this was written; switch to it when merged.
 */
public record Checkpoint(Map<String, Tensor> tensors, Map<String, String> metadata) {

    /** A float32 tensor. */
    public record Tensor(long[] shape, float[] data) {}

    public Checkpoint {
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public float[] data(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("checkpoint has no tensor '" + name + "' (it has " + tensors.keySet() + ")");
        return t.data;
    }

    public String meta(String key) {
        String v = metadata.get(key);
        if (v == null) throw new IllegalArgumentException("checkpoint metadata has no '" + key + "'");
        return v;
    }

    /** Writes atomically (a crash never leaves a half-written checkpoint). */
    public void write(Path file) {
        var mapper = new ObjectMapper();
        ObjectNode header = mapper.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long offset = 0;
        for (var e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : e.getValue().shape) shape.add(d);
            long bytes = 4L * e.getValue().data.length;
            var off = t.putArray("data_offsets");
            off.add(offset);
            off.add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(header);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        int pad = (8 - json.length % 8) % 8;
        int headerLen = json.length + pad;
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(8 + headerLen + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(headerLen);
        buf.put(json);
        for (int i = 0; i < pad; i++) buf.put((byte) ' ');
        for (Tensor t : tensors.values()) { // asFloatBuffer() starts at the current position; advance by hand
            buf.asFloatBuffer().put(t.data);
            buf.position(buf.position() + 4 * t.data.length);
        }
        byte[] bytes = buf.array();
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    public static Checkpoint read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file, e);
        }
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = buf.getLong();
        if (headerLen < 2 || headerLen > all.length - 8) throw new IllegalArgumentException(file + ": not a safetensors file (header length " + headerLen + ")");
        JsonNode header;
        try {
            header = new ObjectMapper().readTree(new String(all, 8, (int) headerLen, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": bad safetensors header: " + e.getMessage());
        }
        var tensors = new LinkedHashMap<String, Tensor>();
        var meta = new LinkedHashMap<String, String>();
        long dataStart = 8 + headerLen;
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals("__metadata__")) {
                e.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode t = e.getValue();
            if (!t.path("dtype").asText().equals("F32")) throw new IllegalArgumentException(file + ": tensor " + e.getKey() + " is " + t.path("dtype").asText() + ", only F32 is read");
            long[] shape = new long[t.path("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = t.path("shape").get(i).asLong();
            long from = t.path("data_offsets").get(0).asLong(), to = t.path("data_offsets").get(1).asLong();
            float[] data = new float[Math.toIntExact((to - from) / 4)];
            ByteBuffer slice = ByteBuffer.wrap(all, Math.toIntExact(dataStart + from), Math.toIntExact(to - from)).order(ByteOrder.LITTLE_ENDIAN);
            slice.asFloatBuffer().get(data);
            tensors.put(e.getKey(), new Tensor(shape, data));
        }
        return new Checkpoint(tensors, meta);
    }
}
