package dev.polymath.core.safetensors;

import dev.polymath.core.data.DataFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsTest {
    @TempDir Path dir;

    static byte[] raw(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < dataBytes; i++) b.put((byte) i);
        return b.array();
    }

    Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    DataFormatException rejects(String header, int dataBytes) throws IOException {
        Path p = file("bad.safetensors", raw(header, dataBytes));
        return assertThrows(DataFormatException.class, () -> SafetensorsFile.open(p));
    }

    @Test
    void roundTripSingleFileWithMetadata() {
        float[] a = {1f, -2.5f, 3.25f, 0f, Float.MIN_VALUE, -0f};
        float[] b = {0.5f, 1.5f};
        Path p = dir.resolve("m.safetensors");
        SafetensorsWriter.write(p, List.of(
                SafetensorsWriter.Tensor.ofFloats("z.w", DType.F32, new long[] {2, 3}, a),
                SafetensorsWriter.Tensor.ofFloats("a.b", DType.F16, new long[] {2}, b),
                SafetensorsWriter.Tensor.ofFloats("m.c", DType.BF16, new long[] {2}, b)), Map.of("format", "pt", "k", "v"));
        try (var f = SafetensorsFile.open(p)) {
            assertEquals(List.of("a.b", "m.c", "z.w"), List.copyOf(f.tensors().keySet()));
            assertEquals(Map.of("format", "pt", "k", "v"), f.metadata());
            assertEquals(0, f.dataStart() % 8, "data section 8-byte aligned");
            assertArrayEquals(a, f.readAllFloats("z.w"));
            assertArrayEquals(b, f.readAllFloats("a.b"));
            assertArrayEquals(b, f.readAllFloats("m.c"));
            assertArrayEquals(new long[] {2, 3}, f.info("z.w").shape());
            float[] part = new float[3];
            f.readFloats("z.w", 2, part, 0, 3);
            assertArrayEquals(new float[] {3.25f, 0f, Float.MIN_VALUE}, part);
        }
    }

    @Test
    void readsAcrossMappedWindows() {
        SplittableRandom r = new SplittableRandom(7);
        float[] a = new float[1000];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        float[] h = new float[333];
        for (int i = 0; i < h.length; i++) h[i] = (float) r.nextGaussian();
        Path p = dir.resolve("w.safetensors");
        SafetensorsWriter.write(p, List.of(SafetensorsWriter.Tensor.ofFloats("a", DType.F32, new long[] {1000}, a),
                SafetensorsWriter.Tensor.ofFloats("b", DType.BF16, new long[] {333}, h)), Map.of());
        try (var f = SafetensorsFile.open(p, 56); var g = SafetensorsFile.open(p)) {   // 56-byte windows: every read crosses
            assertTrue(f.windowCount() > 50);
            assertArrayEquals(a, f.readAllFloats("a"));
            assertArrayEquals(g.readAllFloats("b"), f.readAllFloats("b"));
            float[] x = new float[77];
            f.readFloats("a", 501, x, 0, 77);
            for (int i = 0; i < 77; i++) assertEquals(a[501 + i], x[i]);
            assertArrayEquals(g.readAllBytes("b"), f.readAllBytes("b"));
        }
    }

    @Test
    void halfAndBfloatKnownValues() throws IOException {
        // F16: 0x3C00 = 1, 0xC000 = -2, 0x7BFF = 65504, 0x0001 = 2^-24, 0x7C00 = inf, 0x3555 = 0.333251953125
        // BF16: 0x3F80 = 1, 0xC040 = -3, 0x3EAB = 0.333984375, 0x7F80 = inf
        ByteBuffer d = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        for (int s : new int[] {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x3555}) d.putShort((short) s);
        for (int s : new int[] {0x3F80, 0xC040, 0x3EAB, 0x7F80}) d.putShort((short) s);
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[0,12]},\"b\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[12,20]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer all = ByteBuffer.allocate(8 + h.length + 20).order(ByteOrder.LITTLE_ENDIAN);
        all.putLong(h.length).put(h).put(d.array());
        Path p = file("k.safetensors", all.array());
        try (var f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, 0.333251953125f}, f.readAllFloats("h"));
            assertArrayEquals(new float[] {1f, -3f, 0.333984375f, Float.POSITIVE_INFINITY}, f.readAllFloats("b"));
        }
        // encoding: round to nearest even
        assertEquals((short) 0x3F80, DType.floatToBf16(1f));
        assertEquals((short) 0x3EAB, DType.floatToBf16(1f / 3f));
        assertEquals((short) 0x3F80, DType.floatToBf16(Float.intBitsToFloat(0x3F808000)));   // tie -> even (down)
        assertEquals((short) 0x3F82, DType.floatToBf16(Float.intBitsToFloat(0x3F818000)));   // tie -> even (up)
        assertTrue(Float.isNaN(DType.bf16ToFloat(DType.floatToBf16(Float.NaN))));
        assertEquals((short) 0x3555, DType.floatToF16(1f / 3f));
        assertEquals((short) 0x7C00, DType.floatToF16(1e6f));
    }

    @Test
    void rejectsTruncatedFile() throws IOException {
        Path p = file("t.safetensors", new byte[] {1, 2, 3});
        var e = assertThrows(DataFormatException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().contains("t.safetensors") && e.getMessage().contains("too short"), e.getMessage());
        // data cut short: the tensor's end lies beyond the data section
        var e2 = rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 12);
        assertTrue(e2.getMessage().contains("'a.data_offsets'") && e2.getMessage().contains("beyond the data section"), e2.getMessage());
    }

    @Test
    void rejectsHeaderLengthBeyondFile() throws IOException {
        byte[] b = raw("{}", 0);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
        Path p = file("len.safetensors", b);
        var e = assertThrows(DataFormatException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().contains("header length 1000 exceeds the file size"), e.getMessage());
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -5);
        Path q = file("len2.safetensors", b);
        var e2 = assertThrows(DataFormatException.class, () -> SafetensorsFile.open(q));
        assertTrue(e2.getMessage().contains("18446744073709551611"), e2.getMessage());
    }

    @Test
    void rejectsBadJsonAndNonObjects() throws IOException {
        assertTrue(rejects("{\"a\":{\"dtype\":", 0).getMessage().contains("not valid JSON"));
        assertTrue(rejects("[1,2,3]", 0).getMessage().contains("must be a JSON object"));
        assertTrue(rejects("{} {}", 0).getMessage().contains("not valid JSON"));
        byte[] b = raw("{\"\u00e9\":1}", 0);
        b[10] = (byte) 0xFF;                                                       // break the UTF-8
        Path p = file("u.safetensors", b);
        assertTrue(assertThrows(DataFormatException.class, () -> SafetensorsFile.open(p)).getMessage().contains("not valid UTF-8"));
        var dup = rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0);
        assertTrue(dup.getMessage().contains("Duplicate"), dup.getMessage());
        var md = rejects("{\"__metadata__\":{\"x\":1}}", 0);
        assertTrue(md.getMessage().contains("'__metadata__.x'"), md.getMessage());
    }

    @Test
    void rejectsOverlapGapSizeAndDtype() throws IOException {
        var overlap = rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        assertTrue(overlap.getMessage().contains("'b.data_offsets'") && overlap.getMessage().contains("overlap tensor 'a'"), overlap.getMessage());
        var gap = rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12);
        assertTrue(gap.getMessage().contains("'b.data_offsets'") && gap.getMessage().contains("gap of 4 bytes"), gap.getMessage());
        var trailing = rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8);
        assertTrue(trailing.getMessage().contains("4 trailing bytes"), trailing.getMessage());
        var size = rejects("{\"w\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,8]}}", 8);
        assertTrue(size.getMessage().contains("'w.data_offsets'") && size.getMessage().contains("does not match shape [2, 3] x F16"), size.getMessage());
        var dtype = rejects("{\"q\":{\"dtype\":\"Q4_K\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
        assertTrue(dtype.getMessage().contains("'q.dtype'") && dtype.getMessage().contains("unknown dtype 'Q4_K'"), dtype.getMessage());
        var order = rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4);
        assertTrue(order.getMessage().contains("begin 4 > end 0"), order.getMessage());
        var neg = rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4);
        assertTrue(neg.getMessage().contains("'w.shape'"), neg.getMessage());
        var missing = rejects("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4);
        assertTrue(missing.getMessage().contains("'w.shape': missing"), missing.getMessage());
        var overflow = rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", 4);
        assertTrue(overflow.getMessage().contains("overflows"), overflow.getMessage());
    }

    @Test
    void quantizedAndIntegerTensorsAreRawOnly() throws IOException {
        Path p = file("q.safetensors", raw("{\"q\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]},\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[2,10]}}", 10));
        try (var f = SafetensorsFile.open(p)) {
            var e = assertThrows(DataFormatException.class, () -> f.readAllFloats("q"));
            assertTrue(e.getMessage().contains("quantized dtype F8_E4M3 of tensor 'q'"), e.getMessage());
            var e2 = assertThrows(DataFormatException.class, () -> f.readAllFloats("i"));
            assertTrue(e2.getMessage().contains("dtype I64 of tensor 'i'"), e2.getMessage());
            assertArrayEquals(new byte[] {2, 3, 4, 5, 6, 7, 8, 9}, f.readAllBytes("i"));
        }
    }

    @Test
    void shardedCheckpointRoundTripAndAuxiliaryFiles() throws IOException {
        var tensors = new java.util.ArrayList<SafetensorsWriter.Tensor>();
        for (int i = 0; i < 5; i++) {
            float[] v = new float[100];
            for (int j = 0; j < v.length; j++) v[j] = i * 1000 + j;
            tensors.add(SafetensorsWriter.Tensor.ofFloats("layers." + i + ".w", DType.F32, new long[] {10, 10}, v));
        }
        Path out = dir.resolve("ckpt");
        SafetensorsWriter.writeCheckpoint(out, tensors, 900, Map.of("format", "pt"));
        assertTrue(Files.isRegularFile(out.resolve(SafetensorsWriter.INDEX_FILE)));
        assertTrue(Files.isRegularFile(out.resolve("model-00001-of-00003.safetensors")));
        try (var c = SafetensorsCheckpoint.open(out)) {
            assertEquals(5, c.names().size());
            assertEquals(3, c.files().size());
            float[] v = new float[100];
            c.readFloats("layers.4.w", 0, v, 0, 100);
            assertEquals(4099f, v[99]);
        }
        Path base = Files.createDirectories(dir.resolve("base"));
        Files.writeString(base.resolve("config.json"), "{}");
        Files.writeString(base.resolve("tokenizer.json"), "{}");
        Path o2 = Files.createDirectories(dir.resolve("o2"));
        assertEquals(List.of("config.json", "tokenizer.json"), SafetensorsWriter.copyAuxiliaryFiles(base, o2));
        // an index naming a missing tensor is refused, naming the index and the tensor
        Files.writeString(out.resolve(SafetensorsWriter.INDEX_FILE), "{\"weight_map\":{\"nope\":\"model-00001-of-00003.safetensors\"}}");
        var e = assertThrows(DataFormatException.class, () -> SafetensorsCheckpoint.open(out));
        assertTrue(e.getMessage().contains("weight_map.nope"), e.getMessage());
    }

    /** Seeded mutations of header bytes: each either opens and reads back consistently, or is a format error. */
    @Test
    void fuzzHeaderMutations() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafetensorsWriter.write(good, List.of(
                SafetensorsWriter.Tensor.ofFloats("a", DType.F32, new long[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6}),
                SafetensorsWriter.Tensor.ofFloats("b", DType.F16, new long[] {4}, new float[] {1, 2, 3, 4}),
                SafetensorsWriter.Tensor.ofFloats("c", DType.BF16, new long[] {0}, new float[0])), Map.of("m", "x"));
        byte[] orig = Files.readAllBytes(good);
        int headerEnd = (int) (8 + ByteBuffer.wrap(orig).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
        SplittableRandom r = new SplittableRandom(20261126);
        String interesting = "{}[]\",:0123456789-.eE \u0000\u00ff";
        int ok = 0, rejected = 0;
        for (int iter = 0; iter < 400; iter++) {
            byte[] b = orig.clone();
            int edits = 1 + r.nextInt(3);
            for (int k = 0; k < edits; k++) {
                int pos = r.nextInt(headerEnd);
                b[pos] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) interesting.charAt(r.nextInt(interesting.length()));
            }
            Path p = dir.resolve("fuzz.safetensors");
            Files.write(p, b);
            try (var f = SafetensorsFile.open(p)) {
                for (var t : f.tensors().values()) {
                    if (t.dtype().isFloat()) {
                        float[] v = f.readAllFloats(t.name());
                        assertEquals(t.numel(), v.length);
                    } else {
                        assertEquals(t.byteLength(), f.readAllBytes(t.name()).length);
                    }
                    assertTrue(t.end() <= f.fileSize() - f.dataStart());
                }
                ok++;
            } catch (DataFormatException e) {
                assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
                rejected++;
            }
        }
        assertTrue(rejected > 100, "most mutations are rejected: " + rejected);
        assertTrue(ok + rejected == 400);
    }

    /** close() unmaps at once where the JDK can (22+): a later read fails cleanly instead of touching freed memory. */
    @Test
    void readAfterCloseFailsCleanly() throws IOException {
        Path f = file("c.safetensors", raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16));
        var sf = SafetensorsFile.open(f);
        float[] v = new float[4];
        sf.readFloats("t", 0, v, 0, 4);
        sf.close();
        sf.close();    // idempotent
        if (Runtime.version().feature() >= 22) {
            assertThrows(IllegalStateException.class, () -> sf.readFloats("t", 0, v, 0, 4));
        }
    }
}
