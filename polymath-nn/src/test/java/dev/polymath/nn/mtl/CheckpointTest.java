package dev.polymath.nn.mtl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    @Test
    void roundTripsInTheSafetensorsLayout(@TempDir Path tmp) throws Exception {
        var tensors = new LinkedHashMap<String, Checkpoint.Tensor>();
        tensors.put("a.weight", new Checkpoint.Tensor(new long[] {2, 2}, new float[] {1, 2, 3, -4.5f}));
        tensors.put("b", new Checkpoint.Tensor(new long[] {1}, new float[] {Float.MIN_VALUE}));
        Path f = tmp.resolve("c.safetensors");
        new Checkpoint(tensors, Map.of("epoch", "3")).write(f);
        byte[] raw = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(raw, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"a.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}"), header);
        assertEquals(0, n % 8);
        assertEquals(8 + n + 20, raw.length);
        assertEquals(-4.5f, ByteBuffer.wrap(raw, (int) (8 + n + 12), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
        var back = Checkpoint.read(f);
        assertArrayEquals(new float[] {1, 2, 3, -4.5f}, back.data("a.weight"));
        assertArrayEquals(new long[] {2, 2}, back.tensors().get("a.weight").shape());
        assertArrayEquals(new float[] {Float.MIN_VALUE}, back.data("b"));
        assertEquals("3", back.meta("epoch"));
    }
}
