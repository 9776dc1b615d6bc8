package dev.polymath.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class QuickstartCommandTest {
    @Test
    void runsOnBundledDataAndWritesARunRecord(@TempDir Path runs) throws Exception {
        // two setfit steps exercise the setfit-LoRA row in seconds (the quickstart's own budget is QUICK_SETFIT_STEPS)
        var r = MainTest.run("quickstart", "--runs", runs.toString(), "--setfit-steps", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1. Task data"), r.out());
        assertTrue(r.out().contains("│ banking77 │     1 │ classification"), r.out());
        assertTrue(r.out().contains("2. Episodes"), r.out());
        assertTrue(r.out().contains("3. Task mixtures"), r.out());
        assertTrue(r.out().contains("4. Held-out splits"), r.out());
        assertTrue(r.out().contains("│ prototype                   │                            5 │        78.3"), r.out());
        assertTrue(r.out().contains("│ setfit-LoRA (2 steps)       │                            5 │"), r.out());
        try (var dirs = Files.list(runs)) {
            Path run = dirs.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
            assertTrue(Files.size(run.resolve("report.html")) > 1000);
            String record = Files.readString(run.resolve("record.json"));
            assertTrue(record.contains("\"seed\" : 42") || record.contains("\"seed\":42"), record);
            assertTrue(record.contains("banking77"), record);
        }
    }

    @Test
    void sameSeedSameEpisodePool(@TempDir Path runs) {
        var a = MainTest.run("quickstart", "--runs", runs.toString(), "--seed", "7", "--setfit-steps", "0");
        var b = MainTest.run("quickstart", "--runs", runs.toString(), "--seed", "7", "--setfit-steps", "0");
        assertEquals(fingerprint(a.out()), fingerprint(b.out()));
        var c = MainTest.run("quickstart", "--runs", runs.toString(), "--seed", "8", "--setfit-steps", "0");
        assertFalse(a.out().contains("setfit-LoRA ("), "--setfit-steps 0 skips the fine-tuning");
        assertNotEquals(fingerprint(a.out()), fingerprint(c.out()));
    }

    private static String fingerprint(String out) {
        var m = java.util.regex.Pattern.compile("fingerprint ([0-9a-f]{16})").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }
}
