package dev.polymath.core.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Target;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bundled dataset loads from the repository's datasets/ with the counts of its SOURCE.txt. */
class BundledDatasetsTest {

    static Path bundled(String name) {
        Path home = DataPaths.home();
        assertNotNull(home, "repository root not found (polymath.home)");
        Path dir = home.resolve("datasets").resolve(name);
        assertTrue(Files.isDirectory(dir), "bundled dataset missing: " + dir);
        assertTrue(Files.exists(dir.resolve("SOURCE.txt")), "no SOURCE.txt in " + dir);
        return dir;
    }

    static Map<String, Integer> perClass(List<Example> examples) {
        var m = new HashMap<String, Integer>();
        for (Example e : examples) m.merge(e.label(), 1, Integer::sum);
        return m;
    }

    @Test
    void clinc150() {
        TaskSuite s = Clinc150Loader.load(bundled("clinc150"));
        assertEquals(12, s.size());
        Task intent = s.task("clinc150/intent");
        assertEquals(TaskKind.CLASSIFICATION, intent.kind());
        assertEquals(150, intent.labels().size());
        assertEquals(15000, intent.size("train"));
        assertEquals(3000, intent.size("validation"));
        assertEquals(4500, intent.size("test"));
        assertEquals(100, intent.size("oos_train"));
        assertEquals(100, intent.size("oos_validation"));
        assertEquals(1000, intent.size("oos_test"));
        assertTrue(intent.split("oos_test").stream().allMatch(e -> e.label().equals("oos")));
        assertFalse(intent.labels().contains("oos"));
        assertEquals("accuracy", intent.primaryMetric().name());
        // 100 / 20 / 30 per intent
        assertEquals(Set.of(100), Set.copyOf(perClass(intent.split("train")).values()));
        assertEquals(Set.of(30), Set.copyOf(perClass(intent.split("test")).values()));
        // DNNC few-shot splits
        assertEquals(750, intent.size("train_5"));
        assertEquals(1500, intent.size("train_10"));
        assertEquals(Set.of(5), Set.copyOf(perClass(intent.split("train_5")).values()));
        assertEquals(Set.of(10), Set.copyOf(perClass(intent.split("train_10")).values()));

        Task domain = s.task("clinc150/domain");
        assertEquals(10, domain.labels().size());
        assertEquals(15000, domain.size("train"));
        assertEquals(Set.of(1500), Set.copyOf(perClass(domain.split("train")).values()));

        var perDomain = s.tasks().stream().filter(t -> t.name().startsWith(Clinc150Loader.BY_DOMAIN)).toList();
        assertEquals(10, perDomain.size());
        for (Task t : perDomain) {
            assertEquals(15, t.labels().size(), t.name());
            assertEquals(1500, t.size("train"), t.name());
            assertEquals(300, t.size("validation"), t.name());
            assertEquals(450, t.size("test"), t.name());
            assertEquals(75, t.size("train_5"), t.name());
            assertEquals(t.name().substring(Clinc150Loader.BY_DOMAIN.length()), t.category());
            for (Example e : t.split("train")) assertTrue(t.labels().contains(e.label()));
        }
        assertEquals(10, perDomain.stream().map(Task::category).distinct().count());
    }

    @Test
    void banking77() {
        Path dir = bundled("banking77");
        Task t = Banking77Loader.load(dir).task("banking77");
        assertEquals(77, t.labels().size());
        assertEquals(Banking77Loader.categories(dir), t.labels());
        assertEquals(10003, t.size("train"));
        assertEquals(3080, t.size("test"));
        assertEquals(8622, t.size("dnnc_train"));
        assertEquals(1540, t.size("dnnc_validation"));
        assertEquals(3080, t.size("dnnc_test"));
        assertEquals(385, t.size("train_5"));
        assertEquals(770, t.size("train_10"));
        assertEquals(Set.of(5), Set.copyOf(perClass(t.split("train_5")).values()));
        assertEquals(Set.of(10), Set.copyOf(perClass(t.split("train_10")).values()));
        assertEquals(77, perClass(t.split("train")).size());
        // RFC-4180 quoting: a text with a comma inside quotes
        assertTrue(t.split("test").stream().anyMatch(e -> e.text().contains(",")));
        assertEquals("test:0", t.split("test").get(0).id());
    }

    @Test
    void snips() {
        TaskSuite s = SnipsLoader.load(bundled("snips"));
        Task intent = s.task("snips/intent");
        assertEquals(7, intent.labels().size());
        assertEquals(13084, intent.size("train"));
        assertEquals(700, intent.size("validation"));
        assertEquals(700, intent.size("test"));
        Task slots = s.task("snips/slots");
        assertEquals(TaskKind.TAGGING, slots.kind());
        assertEquals("O", slots.labels().get(0));
        long slotTypes = slots.labels().stream().filter(l -> !l.equals("O")).map(l -> l.substring(2)).distinct().count();
        assertEquals(39, slotTypes);
        for (Example e : slots.split("test")) {
            var tags = ((Target.Tags) e.target()).tags();
            assertEquals(e.text().split(" ").length, tags.size(), e.id());
        }
    }

    @Test
    void stsb() {
        Task t = StsbLoader.load(bundled("stsb")).task("stsb");
        assertEquals(TaskKind.REGRESSION, t.kind());
        assertEquals(5749, t.size("train"));
        assertEquals(1500, t.size("validation"));
        assertEquals(1379, t.size("test"));
        assertEquals("spearman", t.primaryMetric().name());
        Example first = t.split("train").get(0);
        assertEquals(List.of("A plane is taking off.", "An air plane is taking off."), first.texts());
        assertEquals(5.0, ((Target.Score) first.target()).value());
    }

    @Test
    void mmlu() {
        TaskSuite s = MmluLoader.load(bundled("mmlu"));
        assertEquals(57, s.size());
        int dev = 0, val = 0, test = 0;
        for (Task t : s.tasks()) {
            assertEquals(TaskKind.MULTIPLE_CHOICE, t.kind());
            assertEquals(5, t.size("dev"), t.name());
            dev += t.size("dev");
            val += t.size("validation");
            test += t.size("test");
            for (Example e : t.split("dev")) {
                assertEquals(4, e.choices().size());
                assertInstanceOf(Target.Choice.class, e.target());
            }
        }
        assertEquals(285, dev);
        assertEquals(1542, val);
        assertEquals(14079, test);
        assertEquals(57, s.tasks().stream().map(Task::category).distinct().count());
        // every subject has one of the four groups, all four used
        var grouped = MmluLoader.byGroup(s).byCategory();
        assertEquals(Set.of("STEM", "humanities", "social sciences", "other"), grouped.keySet());
        assertEquals(57, grouped.values().stream().mapToInt(List::size).sum());
        Example q = s.task("mmlu/anatomy").split("dev").get(0);
        assertEquals(3, ((Target.Choice) q.target()).index()); // answer D
    }

    @Test
    void bbh() {
        TaskSuite s = BbhLoader.load(bundled("bbh"));
        assertEquals(27, s.size());
        int total = s.tasks().stream().mapToInt(t -> t.size("test")).sum();
        assertEquals(6511, total);
        for (Task t : s.tasks()) {
            assertEquals(TaskKind.GENERATION, t.kind());
            assertEquals("exact-match", t.primaryMetric().name());
            assertFalse(t.instruction().isBlank(), t.name());
            assertEquals(3, t.size("fewshot"), t.name());
        }
        Task nav = s.task("bbh/navigate");
        assertTrue(nav.instruction().startsWith("Given a series of navigation instructions"));
        Example demo = nav.split("fewshot").get(0);
        assertTrue(demo.text().startsWith("If you follow these instructions"));
        assertTrue(List.of("Yes", "No").containsAll(((Target.Text) demo.target()).references()));
        assertTrue(demo.meta().get("cot").startsWith("Let's think step by step."));
        assertEquals(Set.of("logical_deduction"), s.tasks().stream().filter(t -> t.name().contains("logical_deduction"))
                .map(Task::category).collect(Collectors.toSet()));
        assertFalse(BbhLoader.cotPrompt(bundled("bbh"), "navigate").contains("canary"));
    }

    @Test
    void bundledDataIsLean() throws Exception {
        Path root = DataPaths.home().resolve("datasets");
        long bytes;
        try (var files = Files.walk(root)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(bytes < 25L * 1024 * 1024, "datasets/ is " + bytes + " bytes");
        assertTrue(Files.exists(root.resolve("README.md")));
        for (String d : List.of("clinc150", "banking77", "snips", "stsb", "mmlu", "bbh")) {
            try (var ls = Files.list(root.resolve(d))) {
                assertTrue(ls.anyMatch(p -> p.getFileName().toString().startsWith("LICENSE")), "no LICENSE in " + d);
            }
        }
        for (String notBundled : List.of("tweeteval", "cola", "natural-instructions-v1", "shopbench-dev-sample")) {
            assertFalse(Files.exists(root.resolve(notBundled)), notBundled + " must not be bundled");
        }
    }
}
