package dev.polymath.core.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The byte layout of one safetensors file, computed before any data is written: tensors in name order,
 * {@code __metadata__} first in the header, the header padded with spaces to a multiple of 8 bytes (so the
 * data section is 8-byte aligned), as the reference library writes it.
 */
public final class SafetensorsLayout {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] prefix;                     // 8-byte length + padded header
    private final Map<String, TensorInfo> entries;   // name order, offsets relative to the data section
    private final long dataLength;

    private SafetensorsLayout(byte[] prefix, Map<String, TensorInfo> entries, long dataLength) {
        this.prefix = prefix;
        this.entries = entries;
        this.dataLength = dataLength;
    }

    public static SafetensorsLayout of(List<TensorSpec> specs, Map<String, String> metadata) {
        var sorted = new ArrayList<>(specs);
        sorted.sort(Comparator.comparing(TensorSpec::name));
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(m::put);
        }
        var entries = new LinkedHashMap<String, TensorInfo>();
        long off = 0;
        String prev = null;
        for (TensorSpec s : sorted) {
            if (s.name().equals(prev)) throw new IllegalArgumentException("duplicate tensor name '" + s.name() + "'");
            if (s.name().equals("__metadata__")) throw new IllegalArgumentException("'__metadata__' is reserved");
            prev = s.name();
            long end = Math.addExact(off, s.byteLength());
            ObjectNode e = header.putObject(s.name());
            e.put("dtype", s.dtype().name());
            ArrayNode shape = e.putArray("shape");
            for (long d : s.shape()) shape.add(d);
            e.putArray("data_offsets").add(off).add(end);
            entries.put(s.name(), new TensorInfo(s.name(), s.dtype(), s.shape(), off, end));
            off = end;
        }
        byte[] h;
        try {
            h = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(h);
        while (b.hasRemaining()) b.put((byte) ' ');
        return new SafetensorsLayout(b.array(), java.util.Collections.unmodifiableMap(entries), off);
    }

    /** The 8-byte length followed by the padded header: the first bytes of the file. */
    public byte[] prefix() { return prefix.clone(); }

    public long dataStart() { return prefix.length; }

    public long dataLength() { return dataLength; }

    public long fileSize() { return prefix.length + dataLength; }

    public Map<String, TensorInfo> entries() { return entries; }

    /** Absolute file offset of the first byte of tensor {@code name}. */
    public long position(String name) {
        TensorInfo t = entries.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor '" + name + "' in layout");
        return prefix.length + t.begin();
    }
}
