package dev.polymath.text.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.polymath.text.FloatMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingFilesTest {
    static final FloatMatrix M = new FloatMatrix(2, 3, new float[] {1, 2, 3, -4.5f, 0, 1e-7f});

    @Test
    void npyHasHeaderDictAlignedDataAndLittleEndianFloats(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("e.npy");
        EmbeddingFiles.write(f, M, Map.of());
        byte[] b = Files.readAllBytes(f);
        assertEquals((byte) 0x93, b[0]);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, b[6]);
        assertEquals(0, b[7]);
        int hlen = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        String header = new String(b, 10, hlen, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
        assertTrue(header.endsWith("\n"));
        assertEquals(0, (10 + hlen) % 64);
        assertEquals(10 + hlen + 24, b.length);
        ByteBuffer data = ByteBuffer.wrap(b, 10 + hlen, 24).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : M.data()) assertEquals(v, data.getFloat());
    }

    @Test
    void safetensorsHeaderIsAlignedJsonWithOneF32Tensor(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("e.safetensors");
        EmbeddingFiles.write(f, M, Map.of("model", "minilm \"quoted\""));
        byte[] b = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8);
        String json = new String(b, 8, (int) n, StandardCharsets.UTF_8).trim();
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertEquals("F32", node.at("/embeddings/dtype").asText());
        assertEquals(2, node.at("/embeddings/shape/0").asInt());
        assertEquals(3, node.at("/embeddings/shape/1").asInt());
        assertEquals(24, node.at("/embeddings/data_offsets/1").asInt());
        assertEquals("minilm \"quoted\"", node.at("/__metadata__/model").asText());
        assertEquals(8 + n + 24, b.length);
        ByteBuffer data = ByteBuffer.wrap(b, (int) (8 + n), 24).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : M.data()) assertEquals(v, data.getFloat());
    }

    @Test
    void unknownExtensionIsRejected(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> EmbeddingFiles.write(dir.resolve("e.csv"), M, Map.of()));
    }
}
