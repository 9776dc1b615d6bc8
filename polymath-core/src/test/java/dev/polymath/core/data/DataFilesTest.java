package dev.polymath.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DataFilesTest {

    @Test
    void readsGzipTransparentlyAndSplitsOnNewlineOnly(@TempDir Path dir) throws IOException {
        Path gz = dir.resolve("seq.in.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("a\rb\r\nc\nlast".getBytes(StandardCharsets.UTF_8));
        }
        Path resolved = DataFiles.require(dir.resolve("seq.in"));
        assertEquals(gz, resolved);
        assertEquals(List.of("a\rb", "c", "last"), DataFiles.lines(resolved));
        assertEquals("seq.in", DataFiles.baseName(gz));
        Files.writeString(dir.resolve("x_test.csv"), "1");
        Files.writeString(dir.resolve("x_test.csv.gz"), "2");
        assertEquals(List.of(dir.resolve("x_test.csv")), DataFiles.list(dir, "_test.csv"));
    }
}
