package dev.polymath.core.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.polymath.core.data.DataFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A read-only, memory-mapped {@code .safetensors} file. Opening validates the whole header (see
 * {@link #open(Path)}); reads are thread-safe and never copy more than asked. Files larger than 2 GB are
 * mapped as several windows; reads that cross a window boundary are stitched together.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The reference implementation's limit on the header size. */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    static final long DEFAULT_WINDOW = 1L << 30;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path file;
    private final long fileSize;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;       // name order
    private final Map<String, String> metadata;
    private final ByteBuffer[] windows;
    /** The shared arena owning the mappings (JDK 22+), closed by {@link #close()}; null: released by the GC. */
    private AutoCloseable arena;
    private final long window;

    private SafetensorsFile(Path file, long fileSize, long dataStart, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata, ByteBuffer[] windows, long window) {
        this.file = file;
        this.fileSize = fileSize;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
        this.windows = windows;
        this.window = window;
    }

    /**
     * Opens and validates {@code file}: the 8-byte little-endian header length lies within the file (and
     * under 100 MB), the header is UTF-8 JSON holding one object, every entry other than {@code __metadata__}
     * has a known {@code dtype}, a non-negative integer {@code shape} and {@code data_offsets [begin, end]}
     * with {@code begin <= end} inside the data section and {@code end - begin = product(shape) x dtype
     * size}, and the entries tile the data section exactly (no gap, no overlap, nothing left over).
     * {@code __metadata__} must map strings to strings. Every failure is a {@link DataFormatException}
     * naming the file and the tensor or field.
     */
    public static SafetensorsFile open(Path file) {
        return open(file, DEFAULT_WINDOW);
    }

    static SafetensorsFile open(Path file, long window) {
        if (window <= 0 || window > Integer.MAX_VALUE) throw new IllegalArgumentException("window " + window);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw fmt(file, "header length", "file is " + size + " bytes, too short for the 8-byte header length (truncated?)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.getLong(0);
            if (n < 0 || n > size - 8) {
                throw fmt(file, "header length", "header length " + Long.toUnsignedString(n) + " exceeds the file size "
                        + size + " minus 8 (truncated file or corrupt length)");
            }
            if (n > MAX_HEADER_BYTES) throw fmt(file, "header length", "header length " + n + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
            if (n < 2) throw fmt(file, "header", "header of " + n + " bytes cannot hold a JSON object");
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            long dataStart = 8 + n;
            long dataLen = size - dataStart;
            var parsed = parseHeader(file, hb.array(), dataLen);
            int nw = (int) ((size + window - 1) / window);
            var windows = new ByteBuffer[nw];
            AutoCloseable arena = Mappings.newArena();
            for (int i = 0; i < nw; i++) {
                long pos = i * window;
                long len = Math.min(window, size - pos);
                windows[i] = arena != null ? Mappings.map(ch, pos, len, arena) : ch.map(FileChannel.MapMode.READ_ONLY, pos, len);
            }
            var f = new SafetensorsFile(file, size, dataStart, parsed.tensors, parsed.metadata, windows, window);
            f.arena = arena;
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    private record Parsed(Map<String, TensorInfo> tensors, Map<String, String> metadata) {}

    private static Parsed parseHeader(Path file, byte[] header, long dataLen) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw fmt(file, "header", "header is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            throw fmt(file, "header", "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw fmt(file, "header", "header must be a JSON object, found " + (root == null ? "nothing" : root.getNodeType().name().toLowerCase()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        List<TensorInfo> list = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            var e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (v.isNull()) continue;
                if (!v.isObject()) throw fmt(file, "__metadata__", "must be an object mapping strings to strings");
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                    var me = m.next();
                    if (!me.getValue().isTextual()) {
                        throw fmt(file, "__metadata__." + me.getKey(), "metadata values must be strings, found " + me.getValue().getNodeType().name().toLowerCase());
                    }
                    meta.put(me.getKey(), me.getValue().textValue());
                }
                continue;
            }
            list.add(parseEntry(file, name, v, dataLen));
        }
        // The entries must tile the data section: sorted by offset, each starts where the previous ended.
        var byOffset = new ArrayList<>(list);
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        TensorInfo prev = null;
        for (TensorInfo t : byOffset) {
            if (t.begin() < expected) {
                throw fmt(file, t.name() + ".data_offsets", "bytes [" + t.begin() + ", " + t.end() + ") overlap tensor '"
                        + prev.name() + "' [" + prev.begin() + ", " + prev.end() + ")");
            }
            if (t.begin() > expected) {
                throw fmt(file, t.name() + ".data_offsets", "gap of " + (t.begin() - expected) + " bytes before this tensor (bytes ["
                        + expected + ", " + t.begin() + ") belong to no tensor)");
            }
            expected = t.end();
            prev = t;
        }
        if (expected != dataLen) {
            throw fmt(file, "data_offsets", "tensors cover " + expected + " bytes but the data section has " + dataLen
                    + " bytes (" + (dataLen - expected) + " trailing bytes belong to no tensor)");
        }
        var tensors = new TreeMap<String, TensorInfo>();
        for (TensorInfo t : list) tensors.put(t.name(), t);
        return new Parsed(Collections.unmodifiableMap(new LinkedHashMap<>(tensors)), Collections.unmodifiableMap(meta));
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode v, long dataLen) {
        if (!v.isObject()) throw fmt(file, name, "entry must be an object with dtype, shape and data_offsets");
        JsonNode dt = v.get("dtype");
        if (dt == null) throw fmt(file, name + ".dtype", "missing");
        if (!dt.isTextual()) throw fmt(file, name + ".dtype", "must be a string");
        DType dtype = DType.fromHeader(dt.textValue());
        if (dtype == null) throw fmt(file, name + ".dtype", "unknown dtype '" + dt.textValue() + "' in tensor '" + name + "'");
        JsonNode sh = v.get("shape");
        if (sh == null) throw fmt(file, name + ".shape", "missing");
        if (!sh.isArray()) throw fmt(file, name + ".shape", "must be an array of non-negative integers");
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = nonNegativeLong(file, name + ".shape", sh.get(i));
        JsonNode off = v.get("data_offsets");
        if (off == null) throw fmt(file, name + ".data_offsets", "missing");
        if (!off.isArray() || off.size() != 2) throw fmt(file, name + ".data_offsets", "must be an array [begin, end]");
        long begin = nonNegativeLong(file, name + ".data_offsets", off.get(0));
        long end = nonNegativeLong(file, name + ".data_offsets", off.get(1));
        if (begin > end) throw fmt(file, name + ".data_offsets", "begin " + begin + " > end " + end);
        if (end > dataLen) throw fmt(file, name + ".data_offsets", "end " + end + " is beyond the data section of " + dataLen + " bytes (truncated file?)");
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(TensorSpec.numel(shape), (long) dtype.size());
        } catch (ArithmeticException e) {
            throw fmt(file, name + ".shape", "element count overflows");
        }
        if (end - begin != expectedBytes) {
            throw fmt(file, name + ".data_offsets", "byte length " + (end - begin) + " does not match shape "
                    + java.util.Arrays.toString(shape) + " x " + dtype + " (" + dtype.size() + " bytes) = " + expectedBytes);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long nonNegativeLong(Path file, String field, JsonNode n) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw fmt(file, field, "expected a non-negative integer, found " + (n == null ? "nothing" : n.toString()));
        }
        return n.longValue();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) throw new IOException("unexpected end of file");
        }
    }

    static DataFormatException fmt(Path file, String field, String problem) {
        return new DataFormatException(file, 0, field, problem);
    }

    // ------------------------------------------------------------------------------------------------------

    public Path file() { return file; }

    public long fileSize() { return fileSize; }

    /** Absolute file offset of the data section (8 + header length). */
    public long dataStart() { return dataStart; }

    /** Entries in name order. */
    public Map<String, TensorInfo> tensors() { return tensors; }

    public Map<String, String> metadata() { return metadata; }

    public boolean contains(String name) { return tensors.containsKey(name); }

    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException(file + ": no tensor '" + name + "'");
        return t;
    }

    /**
     * Reads {@code count} elements starting at element {@code first} of tensor {@code name} as floats into
     * {@code dst[dstOff..]}. F32/F16/BF16 are exact; F64 is rounded to nearest. Other dtypes are refused with
     * a message naming the tensor and dtype.
     */
    public void readFloats(String name, long first, float[] dst, int dstOff, int count) {
        TensorInfo t = info(name);
        readFloats(t, first, dst, dstOff, count);
    }

    public void readFloats(TensorInfo t, long first, float[] dst, int dstOff, int count) {
        DType d = t.dtype();
        if (!d.isFloat()) {
            throw fmt(file, t.name(), (d.isQuantized() ? "quantized dtype " : "dtype ") + d
                    + " of tensor '" + t.name() + "' cannot be read as float (supported: F32, F16, BF16, F64)");
        }
        if (first < 0 || count < 0 || first + count > t.numel()) {
            throw new IndexOutOfBoundsException(t.name() + ": elements [" + first + ", " + (first + count) + ") of " + t.numel());
        }
        int es = d.size();
        long pos = dataStart + t.begin() + first * es;
        // Read in pieces of at most 64 MB of bytes so that the byte length always fits an int.
        int maxElems = (64 << 20) / es;
        while (count > 0) {
            int n = Math.min(count, maxElems);
            ByteBuffer b = view(pos, n * es);
            switch (d) {
                case F32 -> b.asFloatBuffer().get(dst, dstOff, n);
                case F16 -> { for (int i = 0; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(b.getShort(2 * i)); }
                case BF16 -> { for (int i = 0; i < n; i++) dst[dstOff + i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16); }
                case F64 -> { for (int i = 0; i < n; i++) dst[dstOff + i] = (float) b.getDouble(8 * i); }
                default -> throw new AssertionError(d);
            }
            pos += (long) n * es;
            dstOff += n;
            count -= n;
        }
    }

    /** Copies {@code len} raw bytes starting {@code offset} bytes into tensor {@code name}. */
    public void readBytes(String name, long offset, byte[] dst, int dstOff, int len) {
        TensorInfo t = info(name);
        if (offset < 0 || len < 0 || offset + len > t.byteLength()) {
            throw new IndexOutOfBoundsException(t.name() + ": bytes [" + offset + ", " + (offset + len) + ") of " + t.byteLength());
        }
        copy(dataStart + t.begin() + offset, dst, dstOff, len);
    }

    /** All raw bytes of a tensor (little-endian element order). */
    public byte[] readAllBytes(String name) {
        TensorInfo t = info(name);
        if (t.byteLength() > Integer.MAX_VALUE - 16) throw new IllegalArgumentException(name + " is too large for one array");
        byte[] b = new byte[(int) t.byteLength()];
        copy(dataStart + t.begin(), b, 0, b.length);
        return b;
    }

    /** All elements as floats (small tensors; tests and tools). */
    public float[] readAllFloats(String name) {
        TensorInfo t = info(name);
        if (t.numel() > Integer.MAX_VALUE - 16) throw new IllegalArgumentException(name + " is too large for one array");
        float[] f = new float[(int) t.numel()];
        readFloats(t, 0, f, 0, f.length);
        return f;
    }

    /** A little-endian view of {@code len} bytes at absolute file position {@code pos}. */
    private ByteBuffer view(long pos, int len) {
        int w = (int) (pos / window);
        int off = (int) (pos - w * window);
        if (len == 0) return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        if (off + (long) len <= windows[w].capacity()) {
            return windows[w].slice(off, len).order(ByteOrder.LITTLE_ENDIAN);
        }
        byte[] tmp = new byte[len];
        copy(pos, tmp, 0, len);
        return ByteBuffer.wrap(tmp).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void copy(long pos, byte[] dst, int dstOff, int len) {
        while (len > 0) {
            int w = (int) (pos / window);
            int off = (int) (pos - w * window);
            int n = (int) Math.min(len, windows[w].capacity() - off);
            try {
                windows[w].get(off, dst, dstOff, n);
            } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
                throw new IllegalStateException(file + ": read beyond mapped window", e);
            }
            pos += n;
            dstOff += n;
            len -= n;
        }
    }

    int windowCount() { return windows.length; }

    /**
     * Unmaps the file at once where the JDK can (22 and later: the mapping belongs to a shared arena, and a
     * read after close fails with an {@link IllegalStateException}); on JDK 21 the mapping is released by the
     * garbage collector. Unmapping promptly keeps a process that merges many checkpoints from holding every
     * input's touched pages in its resident set.
     */
    @Override
    public void close() {
        AutoCloseable a;
        synchronized (this) {
            a = arena;
            arena = null;
        }
        if (a != null) {
            try {
                a.close();
            } catch (Exception e) {
                throw new IllegalStateException(file + ": could not unmap: " + e.getMessage(), e);
            }
        }
    }

}
