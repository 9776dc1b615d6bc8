package dev.polymath.core.data;

import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DatasetCatalogTest {

    @Test
    void listsEveryDataset() {
        assertEquals(List.of("clinc150", "banking77", "snips", "tweeteval", "natural-instructions", "mmlu", "bbh",
                "stsb", "cola", "shopbench", "fashion-mnist"), DatasetCatalog.names());
        for (var s : DatasetCatalog.list()) {
            assertFalse(s.entry().licence().isBlank());
            boolean custom = System.getProperty("polymath.data", System.getenv("POLYMATH_DATA")) != null;
            if (s.entry().bundled() && !custom) assertEquals("bundled", s.where(), s.entry().name());
            if (s.entry().bundled()) assertTrue(s.available(), s.entry().name());
            else assertFalse(s.entry().whyNotBundled().isBlank());
        }
    }

    @Test
    void unknownNameListsKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> DatasetCatalog.load("bankin77"));
        assertTrue(e.getMessage().contains("unknown dataset 'bankin77'"), e.getMessage());
        for (String n : DatasetCatalog.names()) assertTrue(e.getMessage().contains(n), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DatasetCatalog.resolve("nosuch:train"));
    }

    @Test
    void bundledTaskCountsMatchTheCatalog() {
        for (String n : List.of("clinc150", "banking77", "snips", "stsb", "bbh")) {
            assertEquals(DatasetCatalog.entry(n).tasks(), DatasetCatalog.load(n).size(), n);
        }
    }

    @Test
    void referencesSelectTasksAndSplits() {
        TaskSuite few = DatasetCatalog.resolve("banking77:train_5");
        assertEquals(1, few.size());
        assertEquals(List.of("train_5"), List.copyOf(few.tasks().get(0).splits().keySet()));
        assertEquals(385, few.tasks().get(0).size("train_5"));

        TaskSuite domains = DatasetCatalog.resolve("clinc150/by-domain");
        assertEquals(10, domains.size());
        assertEquals(10, domains.byCategory().size());
        assertEquals(1, DatasetCatalog.resolve("clinc150/intent").size());
        TaskSuite slotsTest = DatasetCatalog.resolve("snips/slots:test");
        assertEquals(700, slotsTest.tasks().get(0).size("test"));

        var e = assertThrows(IllegalArgumentException.class, () -> DatasetCatalog.resolve("clinc150/nope"));
        assertTrue(e.getMessage().contains("clinc150/intent"), e.getMessage());
        var s = assertThrows(IllegalArgumentException.class, () -> DatasetCatalog.resolve("stsb:train_5"));
        assertTrue(s.getMessage().contains("validation"), s.getMessage());
    }

    @Test
    void missingSharedDatasetSaysWhereAndWhy(@TempDir Path home) throws IOException {
        assumeTrue(System.getProperty("polymath.data", System.getenv("POLYMATH_DATA")) == null,
                "skipped: POLYMATH_DATA is set, so the shared data may be found through it");
        Files.createDirectories(home.resolve("repo/datasets"));
        String old = System.getProperty("polymath.home");
        System.setProperty("polymath.home", home.resolve("repo").toString());
        try {
            var e = assertThrows(MissingDataException.class, () -> DatasetCatalog.load("tweeteval"));
            assertTrue(e.getMessage().contains("not bundled"), e.getMessage());
            assertTrue(e.getMessage().contains("licence"), e.getMessage());
            assertTrue(e.getMessage().contains("../shared/data/tweeteval"), e.getMessage());
            assertTrue(e.getMessage().contains(home.resolve("shared/data/tweeteval").toString()), e.getMessage());
            var b = assertThrows(MissingDataException.class, () -> DatasetCatalog.load("clinc150"));
            assertTrue(b.getMessage().contains("bundled"), b.getMessage());
            assertEquals("missing", DatasetCatalog.list().get(0).where());
        } finally {
            if (old == null) System.clearProperty("polymath.home"); else System.setProperty("polymath.home", old);
        }
    }

    @Test
    void folderPathsLoad(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("mydata");
        Files.createDirectories(data.resolve("train"));
        Files.createDirectories(data.resolve("valid"));
        Files.writeString(data.resolve("train/seq.in"), "hello there\nbye now\n");
        Files.writeString(data.resolve("train/label"), "greet\nbye\n");
        Files.writeString(data.resolve("valid/seq.in"), "hi\n");
        Files.writeString(data.resolve("valid/label"), "greet\n");
        TaskSuite s = DatasetCatalog.resolve(data.toString());
        Task t = s.task("mydata");
        assertEquals(List.of("bye", "greet"), t.labels());
        assertEquals(List.of("train", "validation"), List.copyOf(t.splits().keySet()));
        assertEquals(1, DatasetCatalog.resolve(data + ":validation").tasks().get(0).size("validation"));

        Path jsonl = dir.resolve("j");
        Files.createDirectories(jsonl);
        Files.writeString(jsonl.resolve("train.jsonl"), "{\"text\":\"a\",\"label\":1}\n{\"text\":\"b\",\"label\":0}\n");
        Files.writeString(jsonl.resolve("test.jsonl"), "{\"text\":\"c\",\"label\":1}\n");
        Task j = DatasetCatalog.resolve(jsonl.toString()).tasks().get(0);
        assertEquals(List.of("0", "1"), j.labels());
        assertEquals(2, j.size("train"));
        assertEquals(1, j.size("test"));

        var missing = assertThrows(MissingDataException.class, () -> DatasetCatalog.resolve(dir.resolve("nope/x").toString()));
        assertTrue(missing.getMessage().contains("known datasets"), missing.getMessage());
    }

    @Test
    void genericCsvAndJsonlOptions(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("train.csv");
        Files.writeString(csv, "s1,s2,score\n\"A man, walking\",A person walks,4.5\nx,y,0\n");
        var o = new GenericOptions("s1", "s2", "score", TaskKind.REGRESSION);
        Task t = CsvLoader.load(csv, o);
        assertEquals(TaskKind.REGRESSION, t.kind());
        assertEquals(List.of("A man, walking", "A person walks"), t.split("train").get(0).texts());
        assertEquals("spearman", t.primaryMetric().name());

        Path tsv = dir.resolve("dev.tsv");
        Files.writeString(tsv, "sentence\tlabel\nit is good\tpos\n");
        assertEquals(1, CsvLoader.load(tsv, GenericOptions.defaults().withText("sentence")).size("validation"));

        Path jl = dir.resolve("test.jsonl");
        Files.writeString(jl, "{\"q\":\"2+2?\",\"a\":[\"4\",\"four\"]}\n");
        Task g = JsonlLoader.load(jl, new GenericOptions("q", null, "a", TaskKind.GENERATION));
        assertEquals("exact-match", g.primaryMetric().name());
        assertEquals(1, g.size("test"));

        Path ml = dir.resolve("train2.jsonl");
        Files.writeString(ml, "{\"text\":\"x\",\"meta\":{\"tags\":[\"a\",\"b\"]}}\n");
        Task m = JsonlLoader.load(ml, new GenericOptions("text", null, "meta.tags", TaskKind.MULTI_LABEL));
        assertEquals(List.of("a", "b"), m.labels());
    }

    @Test
    void statsCountClasses() {
        Task t = DatasetCatalog.load("banking77").tasks().get(0);
        var s = DatasetStats.of(t, "train_5");
        assertEquals(385, s.size());
        assertEquals(77, s.classCounts().size());
        assertEquals(5, s.perClass().min());
        assertEquals(5, s.perClass().max());
        assertTrue(s.tokens().mean() > 3);
        var reg = DatasetStats.of(DatasetCatalog.load("stsb").tasks().get(0), "train");
        assertEquals(0, reg.target().min());
        assertEquals(5, reg.target().max());
    }
}
