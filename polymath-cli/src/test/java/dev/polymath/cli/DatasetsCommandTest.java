package dev.polymath.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsCommandTest {

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void statsBanking77() {
        Result r = run("datasets", "stats", "banking77");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("banking77"), r.out());
        assertTrue(r.out().matches("(?s).*train\\s+10003\\s+77.*"), r.out());
        assertTrue(r.out().matches("(?s).*test\\s+3080\\s+77.*"), r.out());
        assertTrue(r.out().matches("(?s).*train_5\\s+385\\s+77\\s+5 / 5 / 5.*"), r.out());
        assertTrue(r.out().contains("TOKENS"), r.out());
    }

    @Test
    void statsWithClassesPrintsTheTable() {
        Result r = run("datasets", "stats", "banking77:train_5", "--classes");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("examples per class"), r.out());
        assertTrue(r.out().matches("(?s).*card_arrival\\s+5\\n.*"), r.out());
    }

    @Test
    void listAndShow() {
        Result list = run("datasets", "list");
        assertEquals(0, list.code(), list.err());
        for (String n : new String[] {"clinc150", "banking77", "tweeteval", "fashion-mnist", "LICENCE"}) {
            assertTrue(list.out().contains(n), list.out());
        }
        Result show = run("datasets", "show", "clinc150");
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().contains("clinc150/by-domain/banking"), show.out());
        assertTrue(show.out().contains("oos_test 1000"), show.out());
        assertTrue(show.out().contains("accuracy (max)"), show.out());
    }

    @Test
    void unknownNameIsOneClearLine() {
        Result r = run("datasets", "show", "bankin77");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown dataset 'bankin77'"), r.err());
        assertTrue(r.err().contains("banking77"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
