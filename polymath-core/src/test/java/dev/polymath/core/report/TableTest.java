package dev.polymath.core.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TableTest {

    private static Table small() {
        return Table.builder("Accuracy")
                .columns("Task", "Acc", "Δm%")
                .decimals(2)
                .row("banking77", 81.5321, -1.2)
                .row("clinc", 9.0, 12.25)
                .note("mean of 3 seeds")
                .build();
    }

    @Test
    void markdownExact() {
        String expected = """
                ### Accuracy

                | Task      |   Acc |   Δm% |
                |-----------|------:|------:|
                | banking77 | 81.53 | -1.20 |
                | clinc     |  9.00 | 12.25 |

                _mean of 3 seeds_
                """;
        assertEquals(expected, small().toMarkdown());
    }

    @Test
    void markdownEscapesPipesAndAlignsCenter() {
        Table t = new Table("", List.of("a|b", "c"), List.of(List.of("x", "y")), List.of(Align.CENTER, Align.LEFT), "");
        assertEquals("""
                | a\\|b | c   |
                |:----:|-----|
                |  x   | y   |
                """, t.toMarkdown());
    }

    @Test
    void terminalAsciiAlignment() {
        String expected = """
                Accuracy
                +-----------+-------+-------+
                | Task      |   Acc |   Δm% |
                +-----------+-------+-------+
                | banking77 | 81.53 | -1.20 |
                | clinc     |  9.00 | 12.25 |
                +-----------+-------+-------+
                mean of 3 seeds
                """;
        assertEquals(expected, small().toText(Border.ASCII));
    }

    @Test
    void terminalBoxRightAlignsNumbersAndLinesUp() {
        String box = small().toText(Border.BOX);
        List<String> lines = box.lines().toList();
        assertEquals("┌───────────┬───────┬───────┐", lines.get(1));
        assertEquals("│ clinc     │  9.00 │ 12.25 │", lines.get(5));
        // every framed line has the same display width
        for (int i = 1; i <= 6; i++) assertEquals(TableFormat.width(lines.get(1)), TableFormat.width(lines.get(i)), lines.get(i));
    }

    @Test
    void plainBorderHasNoTrailingBlanks() {
        String plain = small().toText(Border.PLAIN);
        for (String l : plain.lines().toList()) assertEquals(l.stripTrailing(), l);
        assertTrue(plain.contains("banking77  81.53  -1.20"));
    }

    @Test
    void autoAlignment() {
        Table t = Table.builder("").columns("Method", "Score", "Note")
                .row("A", "81.53 ± 0.42", "ok")
                .row("B", "—", "12")
                .row("C", "-3.1%", "x").build();
        assertEquals(List.of(Align.LEFT, Align.RIGHT, Align.LEFT), t.aligns());
        assertTrue(Table.looksNumeric("1,024"));
        assertTrue(Table.looksNumeric("+0.5 pp"));
        assertFalse(Table.looksNumeric("banking77"));
    }

    @Test
    void wideCharactersCountDouble() {
        Table t = Table.builder("").columns("名前", "n").row("日本", 1).row("ab", 22).build();
        List<String> lines = t.toText(Border.ASCII).lines().toList();
        for (String l : lines) assertEquals(TableFormat.width(lines.get(0)), TableFormat.width(l), l);
    }

    @Test
    void rejectsRaggedRows() {
        assertThrows(IllegalArgumentException.class, () -> Table.builder("").columns("a", "b").row("x").build());
    }

    @Test
    void htmlEscapes() {
        Table t = Table.builder("<b>").columns("Task").row("<script>alert(1)</script>").build();
        String html = t.toHtml();
        assertFalse(html.contains("<script>"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("<caption>&lt;b&gt;</caption>"));
    }

    @Test
    void formatting() {
        assertEquals("81.53 ± 0.42", Fmt.meanCi(81.5321, 0.4211, 2));
        assertEquals("81.53", Fmt.meanCi(81.5321, Double.NaN, 2));
        assertEquals("—", Fmt.fixed(Double.NaN, 2));
        assertEquals("0.00", Fmt.fixed(-0.001, 2));
        assertEquals("+1.20", Fmt.signed(1.2, 2));
        assertEquals("-1.20", Fmt.signed(-1.2, 2));
        assertEquals("0.0", Fmt.signed(0.0, 1));
        assertEquals("81.5", Fmt.percent(0.8153, 1));
        assertEquals("1,234,567", Fmt.count(1234567));
        assertEquals("1.5 KiB", Fmt.bytes(1536));
        assertEquals("2.5", Fmt.compact(2.5, 4));
        assertEquals("3", Fmt.compact(3.0, 4));
        assertEquals("4m 05s", Fmt.duration(java.time.Duration.ofSeconds(245)));
        assertEquals("1:02:03", Fmt.clock(3723));
    }
}
