package dev.polymath.core.run;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class ProgressTest {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private String text() {
        return buf.toString(StandardCharsets.UTF_8);
    }

    private void advance(double seconds) {
        now.addAndGet((long) (seconds * 1e9));
    }

    @Test
    void plainModePrintsEveryTenPercentAndAFinalLine() {
        try (var p = Progress.builder("episodes").total(100).unit("ep").out(out).mode(Progress.Mode.PLAIN).clock(now::get).build()) {
            for (int i = 0; i < 100; i++) {
                advance(0.01);
                p.step();
            }
        }
        List<String> lines = text().lines().toList();
        assertFalse(text().contains("\r"));
        assertEquals(11, lines.size(), text());        // 10%, 20%, …, 100%, then the summary
        assertTrue(lines.get(0).startsWith("episodes: 10/100 ep (10%)"), lines.get(0));
        assertTrue(lines.get(0).contains("ETA"), lines.get(0));
        assertEquals("episodes: done 100/100 ep in 0:01 (100.0 ep/s)".replace("100.0 ep/s", "100 ep/s"), lines.get(10));
    }

    @Test
    void quickWorkWithinTheGracePeriodPrintsNothing() {
        try (var p = Progress.builder("fast").total(100).out(out).mode(Progress.Mode.PLAIN).clock(now::get)
                .grace(java.time.Duration.ofSeconds(2)).build()) {
            for (int i = 0; i < 100; i++) {
                advance(0.01);
                p.step();
            }
        }
        assertEquals("", text());
    }

    @Test
    void slowWorkPrintsOnceTheGracePeriodIsOver() {
        try (var p = Progress.builder("slow").total(10).out(out).mode(Progress.Mode.PLAIN).clock(now::get)
                .grace(java.time.Duration.ofSeconds(2)).build()) {
            for (int i = 0; i < 10; i++) {
                advance(1);
                p.step();
            }
        }
        List<String> lines = text().lines().toList();
        assertTrue(lines.get(0).startsWith("slow: 2/10"), text());
        assertTrue(lines.get(lines.size() - 1).startsWith("slow: done 10/10"), text());
    }

    @Test
    void plainModeRateLimitsByTimeWhenSlow() {
        try (var p = Progress.builder("tasks").total(1_000_000).out(out).mode(Progress.Mode.PLAIN).clock(now::get).build()) {
            for (int i = 0; i < 60; i++) {
                advance(1);
                p.step();          // 1 item per second: far from 10%, so only the 5-second timer prints
            }
        }
        List<String> lines = text().lines().toList();
        assertEquals(60 / 5 + 1, lines.size(), text());
        assertTrue(lines.getLast().startsWith("tasks: done 60/1,000,000 it in 1:00"), lines.getLast());
    }

    @Test
    void unknownTotal() {
        try (var p = Progress.builder("batches").out(out).mode(Progress.Mode.PLAIN).clock(now::get).build()) {
            advance(6);
            p.step(30);
        }
        List<String> lines = text().lines().toList();
        assertEquals(2, lines.size(), text());
        assertTrue(lines.get(0).startsWith("batches: 30 it, 5.0 it/s"), lines.get(0));
        assertFalse(lines.get(0).contains("ETA"));
        assertEquals("batches: done 30 it in 0:06 (5.0 it/s)", lines.get(1));
    }

    @Test
    void interactiveModeRedrawsOneLine() {
        try (var p = Progress.builder("train").total(50).out(out).mode(Progress.Mode.INTERACTIVE).width(80).clock(now::get).build()) {
            for (int i = 0; i < 50; i++) {
                advance(0.2);
                p.step();
            }
        }
        String s = text();
        assertTrue(s.startsWith("\rtrain "), s);
        assertTrue(s.contains("[####"), s);
        assertTrue(s.contains("ETA"), s);
        List<String> lines = List.of(s.split("\n"));
        assertEquals(2, lines.size(), "one redrawn line plus the summary");
        assertTrue(s.chars().filter(c -> c == '\r').count() > 10, "redrawn in place");
        assertTrue(lines.get(1).startsWith("train: done 50/50"), lines.get(1));
    }

    @Test
    void stepIsThreadSafe() {
        try (var p = Progress.builder("parallel").total(10_000).out(out).mode(Progress.Mode.PLAIN).build()) {
            IntStream.range(0, 10_000).parallel().forEach(i -> p.step());
            assertEquals(10_000, p.count());
        }
        assertTrue(text().lines().toList().getLast().startsWith("parallel: done 10,000/10,000"));
        assertTrue(text().lines().count() <= 11 + 1);
    }

    @Test
    void quietPrintsNothingAndCloseIsIdempotent() {
        var p = Progress.builder("q").total(3).out(out).mode(Progress.Mode.QUIET).build();
        p.step(3);
        p.close();
        p.close();
        assertEquals("", text());
        assertTrue(TimeUnit.SECONDS.toNanos(1) > 0);
    }
}
