package dev.polymath.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IclMemoryCommandTest {

    @Test
    void addSearchStatsDeleteOnTheBuiltInEmbedder(@TempDir Path dir) throws IOException {
        String mem = dir.resolve("mem").toString();
        var r = MainTest.run("icl", "memory", "add", "--memory", mem, "--id", "case-1", "--input", "printer shows a paper jam error",
                "--output", "open tray 2 and remove the sheet", "--meta", "product=printer");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("added 1 case; 1 in"), r.out());
        Path jsonl = dir.resolve("cases.jsonl");
        Files.writeString(jsonl, """
                {"id": "case-2", "input": "my laptop battery drains very fast", "output": "lower the screen brightness", "metadata": {"product": "laptop"}}

                {"id": "case-3", "input": "wifi keeps disconnecting every few minutes", "output": "update the network driver", "metadata": {"product": "laptop"}}
                """);
        r = MainTest.run("icl", "memory", "add", "--memory", mem, "--from", jsonl.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("added 2 cases; 3 in"), r.out());

        r = MainTest.run("icl", "memory", "search", "--memory", mem, "--query", "paper stuck in the printer", "-k", "2");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        int first = out.indexOf("case-1");
        assertTrue(first > 0 && (out.indexOf("case-2") < 0 || out.indexOf("case-2") > first) && (out.indexOf("case-3") < 0 || out.indexOf("case-3") > first), out);
        assertTrue(out.contains("open tray 2 and remove the sheet") && out.contains("{product=printer}"), out);

        r = MainTest.run("icl", "memory", "stats", "--memory", mem);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*cases\\s*│\\s*3.*"), r.out());
        assertTrue(r.out().contains("384") && r.out().contains("minilm") && r.out().contains("{laptop=2, printer=1}"), r.out());

        r = MainTest.run("icl", "memory", "delete", "--memory", mem, "--id", "case-2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("deleted 1 of 1; 2 left"), r.out());
        r = MainTest.run("icl", "memory", "delete", "--memory", mem, "--id", "case-2");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not in " + mem + ": [case-2]"), r.err());
    }

    @Test
    void badInputIsNamed(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\": \"a\", \"input\": \"x\"}\n{\"input\": \"no id\"}\n");
        var r = MainTest.run("icl", "memory", "add", "--memory", dir.resolve("m").toString(), "--from", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.jsonl line 2: missing field 'id'"), r.err());
        r = MainTest.run("icl", "memory", "search", "--memory", dir.resolve("none").toString(), "--query", "x");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no exemplar memory at"), r.err());
        r = MainTest.run("icl", "memory", "add", "--memory", dir.resolve("m").toString(), "--input", "x");
        assertTrue(r.err().contains("add needs --id and --input"), r.err());
    }
}
