package dev.polymath.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polymath.core.report.BarChart;
import dev.polymath.core.report.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class RunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, Object> config() {
        var c = new LinkedHashMap<String, Object>();
        c.put("learningRate", 0.001);
        c.put("tasks", List.of("banking77", "clinc150"));
        c.put("epochs", 3);
        c.put("timeout", java.time.Duration.ofMinutes(5));
        return c;
    }

    private static List<String> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void failedRunLeavesNothing(@TempDir Path runs) throws Exception {
        var error = assertThrows(IllegalStateException.class, () -> {
            try (var run = Run.start(runs, "mtl-train", config(), 42)) {
                run.metric("banking77", "accuracy", 0.8);
                Files.writeString(run.file("predictions.tsv"), "partial");
                assertTrue(Files.isDirectory(run.dir()));
                assertTrue(run.dir().getFileName().toString().startsWith("."), "staging is hidden");
                throw new IllegalStateException("boom");
            }
        });
        assertEquals("boom", error.getMessage());
        assertEquals(List.of(), entries(runs).stream().filter(n -> !n.equals(Run.CHECKSUM_CACHE)).toList());
        assertEquals(List.of(), Run.list(runs));
    }

    @Test
    void closingWithoutCommitDiscards(@TempDir Path runs) throws Exception {
        Path staging;
        try (var run = Run.start(runs, "eval", Map.of(), 1)) {
            staging = run.dir();
        }
        assertFalse(Files.exists(staging));
        assertEquals(List.of(), entries(runs));
    }

    @Test
    void committedRunHasAllFilesAndValidJson(@TempDir Path runs, @TempDir Path data) throws Exception {
        Files.writeString(data.resolve("train.tsv"), "hello\tgreeting\n");
        Path dir;
        String id;
        try (var run = Run.start(runs, "MTL train", config(), 42)) {
            id = run.id();
            run.dataset("banking77", data);
            run.model("base", "ab".repeat(32));
            run.metric("banking77", "accuracy", 0.8153);
            run.metric("clinc150", "accuracy", 0.9021, 0.004);
            run.value("deltaM", -1.25);
            for (int i = 0; i < 5; i++) {
                run.point("loss/train", i, 2.0 / (i + 1));
                run.point("loss/val", i, 2.2 / (i + 1));
            }
            run.table(Table.builder("Comparison").columns("Task", "<script>x</script>").row("banking77", 1.0).build());
            run.chart(BarChart.builder("Δm%").categories("banking77", "clinc150").series("PCGrad", 1.5, -0.5).build());
            run.note("a note");
            dir = run.commit();
        }
        assertTrue(id.matches("\\d{8}-\\d{6}-mtl-train-[0-9a-f]{6}"), id);
        assertEquals(runs.resolve(id).toAbsolutePath(), dir);
        List<String> top = entries(runs).stream().filter(n -> !n.equals(Run.CHECKSUM_CACHE)).toList();
        assertEquals(List.of(id), top, "no staging folder left");
        assertEquals(List.of(dir), Run.list(runs));
        for (String f : List.of("record.json", "metrics.json", "results.md", "report.html")) assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        assertFalse(Files.exists(dir.resolve(".owner")));

        JsonNode record = JSON.readTree(dir.resolve("record.json").toFile());
        assertEquals(id, record.get("id").asText());
        assertEquals("MTL train", record.get("command").asText());
        assertEquals(42, record.get("seed").asLong());
        assertEquals(CodeVersion.current(), record.get("codeVersion").asText());
        assertEquals(0.001, record.at("/config/learningRate").asDouble());
        assertEquals("clinc150", record.at("/config/tasks/1").asText());
        assertEquals("PT5M", record.at("/config/timeout").asText());
        assertEquals(64, record.get("configSha256").asText().length());
        assertEquals(Runtime.getRuntime().availableProcessors(), record.at("/machine/cores").asInt());
        assertTrue(record.at("/machine/maxHeapBytes").asLong() > 0);
        assertEquals(Checksums.sha256(data), record.at("/datasets/banking77/sha256").asText());
        assertEquals(1, record.at("/datasets/banking77/files").asInt());
        assertEquals("ab".repeat(32), record.at("/models/base/sha256").asText());
        assertTrue(record.get("durationSeconds").asDouble() >= 0);
        assertTrue(java.time.Instant.parse(record.get("endedAt").asText()).compareTo(java.time.Instant.parse(record.get("startedAt").asText())) >= 0);

        JsonNode metrics = JSON.readTree(dir.resolve("metrics.json").toFile());
        assertEquals(0.8153, metrics.at("/tasks/banking77/accuracy").asDouble());
        assertEquals(0.004, metrics.at("/tasks/clinc150/accuracy/ci").asDouble());
        assertEquals(-1.25, metrics.at("/values/deltaM").asDouble());
        assertEquals(5, metrics.at("/series/loss~1train/y").size());

        String md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.matches("(?s).*\\| banking77 \\| +0\\.8153 \\|.*"), md);
        assertTrue(md.contains("| clinc150  | 0.9021 ± 0.0040 |"), md);
        assertTrue(md.contains("![Δm%](charts/01-m.svg)"), md);
        assertTrue(md.contains("![loss](charts/02-loss.svg)"), md);

        String html = Files.readString(dir.resolve("report.html"));
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        var doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(2, doc.getElementsByTagNameNS("*", "svg").getLength(), "the bar chart and the auto 'loss' chart");
        assertEquals(0, doc.getElementsByTagNameNS("*", "script").getLength());
        assertTrue(html.contains("&lt;script&gt;x&lt;/script&gt;"));
        try (Stream<Path> charts = Files.list(dir.resolve("charts"))) {
            assertEquals(2, charts.count());
        }
    }

    @Test
    void failureDuringCommitLeavesNothing(@TempDir Path runs) throws Exception {
        try (var run = Run.start(runs, "x", Map.of(), 3)) {
            // a file where the charts folder should go makes the commit fail mid-way
            Files.writeString(run.file("charts"), "in the way");
            run.chart(BarChart.builder("c").categories("a").series("s", 1).build());
            assertThrows(RuntimeException.class, run::commit);
        }
        assertEquals(List.of(), entries(runs).stream().filter(n -> !n.equals(Run.CHECKSUM_CACHE)).toList());
    }

    @Test
    void idsAreUniqueAndSortable(@TempDir Path runs) {
        var ids = new java.util.ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            try (var run = Run.start(runs, "eval", Map.of("i", i), i)) {
                run.commit();
                ids.add(run.id());
            }
        }
        assertEquals(5, ids.stream().distinct().count());
        assertEquals(5, Run.list(runs).size());
    }

    @Test
    void abandonedStagingOfADeadProcessIsPurged(@TempDir Path runs) throws Exception {
        Path stale = runs.resolve(".20200101-000000-x-abcdef.partial");
        Files.createDirectories(stale);
        Files.writeString(stale.resolve(".owner"), Long.MAX_VALUE + "\t\n");   // no such process
        Path mine = runs.resolve(".20200101-000000-y-abcdef.partial");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve(".owner"), ProcessHandle.current().pid() + "\t\n");
        Run.purgeAbandoned(runs);
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(mine), "a live process's staging folder is kept");
    }

    @Test
    void recordsRecordConfigs(@TempDir Path runs) throws Exception {
        record Cfg(String model, int shots, double lr) {}
        Path dir;
        try (var run = Run.start(runs, "few-shot", new Cfg("protonet", 5, 0.01), 7)) {
            dir = run.commit();
        }
        JsonNode r = Run.readRecord(dir);
        assertEquals("protonet", r.at("/config/model").asText());
        assertEquals(5, r.at("/config/shots").asInt());
    }
}
