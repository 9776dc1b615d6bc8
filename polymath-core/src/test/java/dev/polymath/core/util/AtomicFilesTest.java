package dev.polymath.core.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class AtomicFilesTest {
    @Test
    void failedWriteLeavesOldContentAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("report.json");
        AtomicFiles.writeString(target, "old");
        assertThrows(RuntimeException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half".getBytes());
            throw new IOException("disk on fire");
        }));
        assertEquals("old", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "temporary file must be cleaned up");
        }
    }

    @Test
    void publishDirectoryReplacesTarget(@TempDir Path dir) throws IOException {
        Path staging = Files.createDirectory(dir.resolve(".run.partial"));
        Files.writeString(staging.resolve("a.txt"), "x");
        Path target = dir.resolve("run");
        Files.createDirectory(target);
        Files.writeString(target.resolve("stale.txt"), "y");
        AtomicFiles.publishDirectory(staging, target);
        assertTrue(Files.exists(target.resolve("a.txt")));
        assertFalse(Files.exists(target.resolve("stale.txt")));
        assertFalse(Files.exists(staging));
    }
}
