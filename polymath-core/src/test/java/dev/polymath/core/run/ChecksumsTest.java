package dev.polymath.core.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

class ChecksumsTest {

    @Test
    void knownFileDigest(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("abc.txt");
        Files.writeString(f, "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Checksums.sha256(f));
        assertEquals(Checksums.sha256("abc"), Checksums.sha256(f));
    }

    @Test
    void folderChecksumIsStableAndChangesWithContent(@TempDir Path a, @TempDir Path b) throws Exception {
        Files.createDirectories(a.resolve("sub"));
        Files.writeString(a.resolve("z.tsv"), "1\t2\n");
        Files.writeString(a.resolve("sub/x.tsv"), "hello\n");
        // the same content created in another order at another place
        Files.createDirectories(b.resolve("sub"));
        Files.writeString(b.resolve("sub/x.tsv"), "hello\n");
        Files.writeString(b.resolve("z.tsv"), "1\t2\n");

        String ha = Checksums.withCacheFile(a.resolveSibling(a.getFileName() + ".cache")).digest(a).sha256();
        assertEquals(ha, Checksums.sha256(a));
        assertEquals(ha, Checksums.sha256(b), "independent of location and creation order");
        assertEquals(2, Checksums.shared().digest(a).files());

        Files.writeString(a.resolve("sub/x.tsv"), "hellO\n");   // same size
        assertNotEquals(ha, Checksums.sha256(a));
        Files.writeString(a.resolve("sub/x.tsv"), "hello\n");
        assertEquals(ha, Checksums.sha256(a));
        Files.move(a.resolve("z.tsv"), a.resolve("y.tsv"));      // renaming changes it too
        assertNotEquals(ha, Checksums.sha256(a));
    }

    @Test
    void cacheSurvivesInAFileAndNoticesChanges(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data.bin");
        Files.writeString(data, "first");
        Files.setLastModifiedTime(data, FileTime.from(Instant.now().minusSeconds(60)));  // not "racy"
        Path cacheFile = dir.resolve("cache.tsv");
        var c1 = Checksums.withCacheFile(cacheFile);
        String h1 = c1.digest(data).sha256();
        c1.save();
        assertTrue(Files.exists(cacheFile));

        var c2 = Checksums.withCacheFile(cacheFile);
        assertEquals(1, c2.cachedEntries());
        assertEquals(h1, c2.digest(data).sha256());

        Files.writeString(data, "second!");
        assertNotEquals(h1, c2.digest(data).sha256());
    }
}
