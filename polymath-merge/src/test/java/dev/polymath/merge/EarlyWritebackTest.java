package dev.polymath.merge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.*;

class EarlyWritebackTest {
    @Test
    void forcesWhileWritingAndLeavesTheBytesAlone(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("out.bin");
        byte[] expect = new byte[64 * 1024];
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            try (var wb = new EarlyWriteback(new FileChannel[] {ch}, 4096)) {
                for (int off = 0; off < expect.length; off += 1024) {
                    for (int i = 0; i < 1024; i++) expect[off + i] = (byte) (off / 1024 + i);
                    ch.write(ByteBuffer.wrap(expect, off, 1024), off);
                    wb.wrote(1024);
                }
            }
            ch.force(true);
        }
        assertArrayEquals(expect, Files.readAllBytes(f));
    }

    @Test
    void aFailedForceIsReportedOnClose(@TempDir Path dir) throws Exception {
        FileChannel ch = FileChannel.open(dir.resolve("x"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ch.close();
        var wb = new EarlyWriteback(new FileChannel[] {ch}, 1);
        wb.wrote(10);
        Thread.sleep(50);
        var e = assertThrows(UncheckedIOException.class, wb::close);
        assertTrue(e.getMessage().startsWith("could not write the output"), e.getMessage());
    }
}
