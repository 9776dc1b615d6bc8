package dev.polymath.core.sample;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class ClassSplitTest {

    private final List<String> classes = IntStream.range(0, 20).mapToObj(i -> "k" + i).toList();

    private static void assertDisjoint(ClassSplit s) {
        var all = new HashSet<String>();
        all.addAll(s.train());
        all.addAll(s.validation());
        all.addAll(s.test());
        assertEquals(s.size(), all.size());
    }

    @Test
    void randomSplitIsDisjointDeterministicAndOrdered() {
        var a = ClassSplit.random(classes, 12, 4, 4, 1);
        assertEquals(12, a.train().size());
        assertEquals(4, a.validation().size());
        assertEquals(4, a.test().size());
        assertDisjoint(a);
        assertEquals(a, ClassSplit.random(classes, 12, 4, 4, 1));
        assertNotEquals(a, ClassSplit.random(classes, 12, 4, 4, 2));
        // each part keeps the order of the class list
        for (List<String> part : List.of(a.train(), a.validation(), a.test())) {
            assertEquals(part.stream().sorted((x, y) -> classes.indexOf(x) - classes.indexOf(y)).toList(), part);
        }
        var partial = ClassSplit.random(classes, 5, 5, 5, 3);
        assertEquals(15, partial.size());
        assertThrows(IllegalArgumentException.class, () -> ClassSplit.random(classes, 10, 6, 5, 1));
    }

    @Test
    void fractionsOfATask() {
        var task = Fixtures.uniform("t", 10, 3);
        var s = ClassSplit.random(task, 0.6, 0.2, 9);
        assertEquals(6, s.train().size());
        assertEquals(2, s.validation().size());
        assertEquals(2, s.test().size());
        assertDisjoint(s);
        // episodes drawn with a part never leave it
        var sampler = EpisodeSampler.over(task).shape(2, 1, 1).classes(s.test()).seed(1).build();
        for (Episode e : sampler.episodes(0, 20)) assertTrue(s.test().containsAll(e.classes()));
    }

    @Test
    void explicitListsAreChecked() {
        var task = Fixtures.uniform("t", 5, 3);
        var s = ClassSplit.explicit(task, List.of("c3", "c0"), List.of("c1"), List.of("c4"));
        assertEquals(List.of("c0", "c3"), s.train());
        var overlap = assertThrows(IllegalArgumentException.class,
                () -> ClassSplit.explicit(task, List.of("c0"), List.of("c0"), List.of()));
        assertEquals("class 'c0' is in more than one part of the class split", overlap.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassSplit.explicit(task, List.of("zz"), List.of(), List.of()));
    }

    @Test
    void groupsStayTogether() {
        Map<String, String> groupOf = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) groupOf.put("k" + i, "g" + (i / 4)); // 5 groups of 4
        var s = ClassSplit.byGroups(classes, groupOf, List.of("g0", "g2"), List.of("g1"), List.of("g4"));
        assertEquals(List.of("k0", "k1", "k2", "k3", "k8", "k9", "k10", "k11"), s.train());
        assertEquals(List.of("k4", "k5", "k6", "k7"), s.validation());
        assertEquals(List.of("k16", "k17", "k18", "k19"), s.test());

        var r = ClassSplit.byGroups(classes, groupOf, 3, 1, 1, 7);
        assertEquals(12, r.train().size());
        assertDisjoint(r);
        for (List<String> part : List.of(r.train(), r.validation(), r.test())) {
            var groupsInPart = new HashSet<String>();
            part.forEach(c -> groupsInPart.add(groupOf.get(c)));
            for (String g : groupsInPart) {
                assertTrue(part.containsAll(groupOf.entrySet().stream().filter(e -> e.getValue().equals(g))
                        .map(Map.Entry::getKey).toList()), "group " + g + " is whole");
            }
        }
        assertEquals(r, ClassSplit.byGroups(classes, groupOf, 3, 1, 1, 7));
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> ClassSplit.byGroups(classes, groupOf, List.of("g9"), List.of(), List.of()));
        assertTrue(unknown.getMessage().startsWith("no class is in group 'g9'"), unknown.getMessage());
        var missing = new LinkedHashMap<>(groupOf);
        missing.remove("k5");
        var noGroup = assertThrows(IllegalArgumentException.class,
                () -> ClassSplit.byGroups(classes, missing, List.of("g0"), List.of(), List.of()));
        assertEquals("class 'k5' has no group", noGroup.getMessage());
    }
}
