package dev.polymath.core.sample;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class EpisodeSamplerTest {

    private final Task task = Fixtures.classification("toy", "", 20, 20, 20, 20, 20, 20, 20, 20, 20, 20);

    private EpisodeSampler sampler(long seed) {
        return EpisodeSampler.over(task).shape(5, 2, 3).seed(seed).build();
    }

    /** Checks the invariants every episode must satisfy. */
    static void assertWellFormed(Episode e, Task task, EpisodeSpec spec) {
        assertEquals(spec.ways(), e.ways());
        assertEquals(spec.ways(), new HashSet<>(e.classes()).size(), "classes distinct");
        assertEquals(spec.ways() * spec.shots(), e.support().size());
        assertEquals(spec.ways() * spec.queries(), e.query().size());
        int[] s = new int[spec.ways()];
        int[] q = new int[spec.ways()];
        for (EpisodeExample x : e.support()) {
            s[x.label()]++;
            assertEquals(e.className(x.label()), x.originalLabel(), "episode label points at the example's class");
        }
        for (EpisodeExample x : e.query()) {
            q[x.label()]++;
            assertEquals(e.className(x.label()), x.originalLabel());
        }
        for (int i = 0; i < spec.ways(); i++) {
            assertEquals(spec.shots(), s[i], "support of label " + i);
            assertEquals(spec.queries(), q[i], "query of label " + i);
            assertTrue(task.labels().contains(e.className(i)));
        }
        Set<String> supportIds = new HashSet<>();
        for (Example x : e.supportExamples()) assertTrue(supportIds.add(x.id()), "support ids distinct");
        Set<String> queryIds = new HashSet<>();
        for (Example x : e.queryExamples()) {
            assertTrue(queryIds.add(x.id()), "query ids distinct");
            assertFalse(supportIds.contains(x.id()), "example " + x.id() + " in both support and query");
        }
        assertEquals(task.name(), e.task());
    }

    @Test
    void episodesAreBalancedAndRemapped() {
        var s = sampler(1);
        for (Episode e : s.episodes(0, 200)) assertWellFormed(e, task, s.spec());
        var e = s.episode(0);
        // class-major order, labels 0..N-1
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4}, e.supportLabels());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4}, e.queryLabels());
        assertEquals(List.of("0", "1", "2", "3", "4"), e.episodeLabelNames());
        var relabelled = e.supportRelabelled();
        for (int i = 0; i < relabelled.size(); i++) {
            assertEquals(Integer.toString(e.supportLabels()[i]), relabelled.get(i).label());
            assertEquals(e.supportExamples().get(i).id(), relabelled.get(i).id());
        }
        assertEquals(2, e.episodeLabel(e.className(2)));
        assertEquals(-1, e.episodeLabel("no such class"));
    }

    @Test
    void labelPermutationVariesAcrossEpisodes() {
        var s = sampler(3);
        // the same class gets different episode labels in different episodes
        var labelsOfC0 = new HashSet<Integer>();
        var orders = new HashSet<List<String>>();
        for (Episode e : s.episodes(0, 300)) {
            int l = e.episodeLabel("c0");
            if (l >= 0) labelsOfC0.add(l);
            orders.add(e.classes());
        }
        assertEquals(Set.of(0, 1, 2, 3, 4), labelsOfC0);
        assertTrue(orders.size() > 250, "class choices and orders vary");
        // chosen classes are not always in label-set order
        assertTrue(s.episodes(0, 50).stream().anyMatch(e -> !e.classes().equals(e.classes().stream().sorted().toList())));
    }

    @Test
    void sameSeedSameEpisodesWhateverTheAccessOrder() {
        var a = sampler(7);
        var b = sampler(7);
        List<Episode> forward = a.episodes(0, 50);
        // b is used in reverse order, and another sampler is used in between
        for (int i = 49; i >= 0; i--) {
            sampler(99).episode(i);
            assertEquals(forward.get(i), b.episode(i));
        }
        assertEquals(forward.get(10), a.stream().skip(10).findFirst().orElseThrow());
        assertEquals(forward.get(3).fingerprint(), sampler(7).episode(3).fingerprint());
        // different seeds differ
        var c = sampler(8);
        int same = 0;
        for (int i = 0; i < 50; i++) if (c.episode(i).equals(forward.get(i))) same++;
        assertEquals(0, same);
        assertNotEquals(forward.get(0), a.episode(1));
    }

    @Test
    void classRestrictionIsHonoured() {
        var allowed = List.of("c1", "c3", "c5", "c7", "c9", "c8");
        var s = EpisodeSampler.over(task).shape(5, 1, 1).classes(allowed).seed(2).build();
        assertEquals(List.of("c1", "c3", "c5", "c7", "c8", "c9"), s.eligibleClasses());
        for (Episode e : s.episodes(0, 100)) assertTrue(allowed.containsAll(e.classes()));
        var ex = assertThrows(IllegalArgumentException.class,
                () -> EpisodeSampler.over(task).classes(List.of("c1", "nope")).build());
        assertEquals("task 'toy' has no label 'nope' (it has 10 labels)", ex.getMessage());
    }

    @Test
    void impossibleRequestsFailFastNamingClassAndCounts() {
        var t = Fixtures.classification("banking77", "", 20, 7, 20).withName("banking77");
        var ex = assertThrows(IllegalArgumentException.class,
                () -> EpisodeSampler.over(t).shape(2, 10, 5).build());
        assertEquals("cannot draw 10-shot + 5-query examples from class 'c1' of task 'banking77': it has 7 examples"
                + " in split 'train'", ex.getMessage());

        var noQuery = assertThrows(IllegalArgumentException.class, () -> EpisodeSampler.over(t).shape(2, 8, 0).build());
        assertEquals("cannot draw 8-shot examples from class 'c1' of task 'banking77': it has 7 examples in split 'train'",
                noQuery.getMessage());

        var three = Fixtures.classification("X", "", 5, 5, 5);
        var ways = assertThrows(IllegalArgumentException.class, () -> EpisodeSampler.over(three).shape(5, 1, 1).build());
        assertEquals("5-way episodes need 5 classes; task 'X' has 3 in split 'train'", ways.getMessage());

        var restricted = assertThrows(IllegalArgumentException.class,
                () -> EpisodeSampler.over(task).shape(5, 1, 1).classes(List.of("c0", "c1", "c2", "c3")).build());
        assertEquals("5-way episodes need 5 classes; task 'toy' has 4 in split 'train' among the 4 allowed classes",
                restricted.getMessage());

        var split = assertThrows(IllegalArgumentException.class, () -> EpisodeSampler.over(task).split("dev").build());
        assertTrue(split.getMessage().contains("has no split 'dev'"), split.getMessage());

        var kind = assertThrows(IllegalArgumentException.class,
                () -> EpisodeSampler.over(Fixtures.regression("sts", "", 10)).build());
        assertEquals("episodes need a single-label classification task; task 'sts' is regression", kind.getMessage());

        assertThrows(IllegalArgumentException.class, () -> EpisodeSpec.of(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> EpisodeSpec.of(2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> sampler(1).episode(-1));
    }

    @Test
    void smallClassesCanBeLeftOut() {
        var t = Fixtures.classification("uneven", "", 20, 7, 20, 3, 20);
        var s = EpisodeSampler.over(t).shape(3, 5, 5).skipSmallClasses(true).seed(4).build();
        assertEquals(List.of("c0", "c2", "c4"), s.eligibleClasses());
        assertEquals(List.of("c1", "c3"), s.skippedClasses());
        for (Episode e : s.episodes(0, 20)) assertWellFormed(e, t, s.spec());
        var ex = assertThrows(IllegalArgumentException.class,
                () -> EpisodeSampler.over(t).shape(4, 5, 5).skipSmallClasses(true).build());
        assertEquals("4-way episodes need 4 classes; task 'uneven' has 3 in split 'train' with at least 10 examples"
                + " (2 smaller classes left out; the largest, 'c1', has 7, and 5-shot + 5-query episodes need 10 per class)", ex.getMessage());
    }

    @Test
    void classesAbsentFromTheSplitAreNotEligible() {
        var t = Fixtures.classification("gap", "", 5, 0, 5, 5);
        assertEquals(List.of("c0", "c2", "c3"), EpisodeSampler.over(t).shape(3, 2, 2).build().eligibleClasses());
    }

    @Test
    void shuffledOrderKeepsTheSameContent() {
        var plain = EpisodeSampler.over(task).shape(5, 3, 3).seed(11).build();
        var shuffled = EpisodeSampler.over(task).shape(5, 3, 3).seed(11).shuffleOrder(true).build();
        boolean anyDifferentOrder = false;
        for (int i = 0; i < 20; i++) {
            Episode a = plain.episode(i);
            Episode b = shuffled.episode(i);
            assertEquals(a.classes(), b.classes());
            assertEquals(new HashSet<>(a.support()), new HashSet<>(b.support()));
            assertEquals(new HashSet<>(a.query()), new HashSet<>(b.query()));
            anyDifferentOrder |= !a.support().equals(b.support());
            assertWellFormed(b, task, shuffled.spec());
        }
        assertTrue(anyDifferentOrder);
    }

    @Test
    void statsSummariseEpisodes() {
        var s = sampler(5);
        var stats = EpisodeStats.of(s.episodes(0, 100));
        assertEquals(100, stats.episodes());
        assertEquals(EpisodeSpec.of(5, 2, 3), stats.shape());
        assertTrue(stats.balanced());
        assertEquals(1, stats.tasks());
        assertEquals(10, stats.classesUsed());
        assertEquals(500, stats.classUses().values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(stats.format().contains("100 episodes, 5-way 2-shot 3-query, 1 task(s), all balanced"), stats.format());
    }
}
