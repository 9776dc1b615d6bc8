package dev.polymath.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class MainTest {

    /** Runs the CLI in-process, capturing stdout and stderr. */
    static Captured run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out, oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    record Captured(int code, String out, String err) {}

    @Test
    void helpListsCommands() {
        var r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("bench"), r.out());
    }

    @Test
    void unknownCommandFailsWithMessageNotStackTrace() {
        var r = run("frobnicate");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("frobnicate"), r.err());
        assertFalse(r.err().contains("at dev.polymath"), r.err());
    }

    @Test
    void unknownBenchmarkListsKnownOnes() {
        var r = run("bench", "no-such-bench");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown benchmark 'no-such-bench'"), r.err());
    }
}
