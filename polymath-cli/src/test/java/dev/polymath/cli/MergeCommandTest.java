package dev.polymath.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

class MergeCommandTest {
    @TempDir Path dir;

    static Path fixture() {
        Path home = Path.of(System.getProperty("polymath.home", "."));
        return home.resolve("polymath-merge/src/test/resources/peer4096");
    }

    record Out(int code, String out, String err) {}

    static Out run(String... args) {
        var o = new ByteArrayOutputStream();
        var e = new ByteArrayOutputStream();
        PrintStream so = System.out, se = System.err;
        try {
            System.setOut(new PrintStream(o, true));
            System.setErr(new PrintStream(e, true));
            var cli = new picocli.CommandLine(new Main());
            cli.setExecutionExceptionHandler(new ErrorHandler());
            cli.setOut(new java.io.PrintWriter(o, true));
            cli.setErr(new java.io.PrintWriter(e, true));
            int code = cli.execute(args);
            return new Out(code, o.toString(), e.toString());
        } finally {
            System.setOut(so);
            System.setErr(se);
        }
    }

    static String sha256Data(Path f) throws Exception {
        byte[] b = Files.readAllBytes(f);
        long n = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        var md = MessageDigest.getInstance("SHA-256");
        md.update(b, (int) (8 + n), (int) (b.length - 8 - n));
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void mergesTheFixtureWithTies() throws Exception {
        Path cfg = fixture().resolve("ties.yaml");
        assertTrue(Files.isRegularFile(cfg), cfg.toString());
        Path out = dir.resolve("merged");
        var r = run("merge", cfg.toString(), "--out", out.toString(), "--threads", "2", "--seed", "7", "--chunk", "300");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("merged 4 tensors"), r.out());
        assertEquals("f09828b8ae112ab8bf58f7fb149b999d439ea97b73b01e89104c90dd7ada9266", sha256Data(out.resolve("model.safetensors")));
        String conf = Files.readString(out.resolve("merge_config.json"));
        assertTrue(conf.contains("\"seed\" : 7") && conf.contains("\"modes\""), conf);
        assertTrue(Files.readString(out.resolve("merge_stats.json")).contains("sign_conflict_rate"));
    }

    @Test
    void dryRunPrintsPlanAndWritesNothing() {
        Path out = dir.resolve("none");
        var r = run("merge", fixture().resolve("ties.yaml").toString(), "--out", out.toString(), "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("layers.3.weight") && r.out().contains("predicted peak working memory"), r.out());
        assertFalse(Files.exists(out));
    }

    @Test
    void badConfigGivesOneClearLine() throws Exception {
        Path cfg = dir.resolve("bad.yaml");
        Files.writeString(cfg, "merge_method: ties\nmodels: []\n");
        var r = run("merge", cfg.toString(), "--out", dir.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("polymath merge: ") && r.err().contains("bad.yaml") && r.err().contains("models"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
