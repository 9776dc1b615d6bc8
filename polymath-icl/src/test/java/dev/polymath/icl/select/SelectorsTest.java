package dev.polymath.icl.select;

import dev.polymath.core.task.Example;
import dev.polymath.icl.HashedBagOfWords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SelectorsTest {
    static final String TASK = "toy/intent";

    static List<Example> pool() {
        var p = new ArrayList<Example>();
        String[][] rows = {
                {"book a flight to paris", "travel"}, {"cheapest flight to rome tomorrow", "travel"},
                {"play some jazz music", "music"}, {"turn up the music volume", "music"},
                {"what is the weather in paris", "weather"}, {"will it rain tomorrow", "weather"},
                {"book a table for two", "restaurant"}, {"find an italian restaurant nearby", "restaurant"},
                {"flight status of my paris flight", "travel"}, {"skip this song", "music"},
        };
        for (int i = 0; i < rows.length; i++) p.add(Example.classification("train:" + i, rows[i][0], rows[i][1]));
        return p;
    }

    static Selectors.Config cfg() {
        return Selectors.Config.defaults().withEmbedder(new HashedBagOfWords(64)).withRetriever(Projection.identity(64, Map.of()))
                .withOtherTaskPools(Map.of(TASK, pool(), "toy/other", List.of(
                        Example.classification("train:0", "order a pizza", "food"),
                        Example.classification("train:1", "flight to paris please", "travel"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"first-n", "random", "label-balanced", "knn", "mmr", "bm25", "cross-task", "learned"})
    void deterministicAndNeverTheEvaluatedExample(String name) {
        var pool = pool();
        Example query = pool.get(0); // the evaluated example sits in the pool
        var s = Selectors.create(name, cfg());
        var a = s.select(TASK, query, pool, 4, 42);
        var b = Selectors.create(name, cfg()).select(TASK, query, pool, 4, 42);
        assertEquals(ids(a), ids(b), name + " is deterministic");
        assertEquals(name.equals("cross-task") ? 2 : 4, a.size(), "cross-task draws on the other task's 2 examples");
        for (Demo d : a) {
            assertFalse(d.task().equals(TASK) && d.example().id().equals(query.id()), name + " excluded the query");
            assertNotEquals(query.text(), d.example().text(), name + " excluded the query text");
        }
        for (int i = 0; i < a.size(); i++) assertEquals(i, a.get(i).rank());
        // a query not in the pool but with the same text as a pool item also excludes it
        Example sameText = Example.classification("test:99", pool.get(2).text(), "music");
        for (Demo d : s.select(TASK, sameText, pool, 9, 1)) assertNotEquals(sameText.text(), d.example().text());
    }

    static List<String> ids(List<Demo> demos) {
        return demos.stream().map(d -> d.task() + "#" + d.example().id()).toList();
    }

    @Test
    void randomDependsOnSeedAndQuery() {
        var s = Selectors.create("random", cfg());
        var q = Example.classification("test:0", "hello", "x");
        var seeds = new java.util.HashSet<List<String>>();
        for (long seed = 0; seed < 6; seed++) seeds.add(ids(s.select(TASK, q, pool(), 3, seed)));
        assertTrue(seeds.size() > 1, "different seeds give different draws");
    }

    @Test
    void firstNKeepsPoolOrder() {
        var d = Selectors.create("first-n", cfg()).select(TASK, Example.classification("test:0", "x", "y"), pool(), 3, 0);
        assertEquals(List.of("train:0", "train:1", "train:2"), d.stream().map(x -> x.example().id()).toList());
        assertTrue(Double.isNaN(d.get(0).score()));
    }

    @Test
    void labelBalancedCoversEveryClassBeforeRepeating() {
        var d = Selectors.create("label-balanced", cfg()).select(TASK, Example.classification("test:0", "x", "y"), pool(), 4, 3);
        assertEquals(4, d.stream().map(x -> x.example().label()).distinct().count());
    }

    @Test
    void knnRanksBySharedWordsWithCosineScores() {
        var q = Example.classification("test:0", "flight to paris", "travel");
        var d = Selectors.create("knn", cfg()).select(TASK, q, pool(), 3, 0);
        for (Demo x : d) assertEquals("travel", x.example().label(), x.example().text());
        assertTrue(d.get(0).score() >= d.get(1).score() && d.get(1).score() >= d.get(2).score());
        assertTrue(d.get(0).score() <= 1.0 + 1e-6 && d.get(0).score() > 0);
    }

    @Test
    void mmrWithLambdaOneIsKnnAndLowerLambdaDiversifies() {
        var q = Example.classification("test:0", "flight to paris", "travel");
        var knn = Selectors.create("knn", cfg()).select(TASK, q, pool(), 3, 0);
        var mmr1 = Selectors.create("mmr", cfg().withLambda(1.0)).select(TASK, q, pool(), 3, 0);
        assertEquals(ids(knn), ids(mmr1));
        var mmr0 = Selectors.create("mmr", cfg().withLambda(0.3)).select(TASK, q, pool(), 3, 0);
        assertEquals(ids(knn).get(0), ids(mmr0).get(0), "first pick is the most relevant");
        long labels = mmr0.stream().map(x -> x.example().label()).distinct().count();
        assertTrue(labels > 1, "diversity: " + mmr0);
    }

    @Test
    void bm25MatchesHandComputedScore() {
        var bm = new Bm25(List.of("a b", "a c c", "d"));
        // N = 3, df(c) = 1 -> idf = ln(1 + (3 - 1 + 0.5) / 1.5) = ln(8/3); avgdl = 2, doc 1 has length 3, tf(c) = 2
        double idf = Math.log(1 + 2.5 / 1.5);
        double expected = idf * 2 * 2.2 / (2 + 1.2 * (1 - 0.75 + 0.75 * 3 / 2.0));
        assertEquals(expected, bm.scores("c")[1], 1e-12);
        assertEquals(0.0, bm.scores("c")[0]);
        var q = Example.classification("test:0", "music volume", "music");
        var d = Selectors.create("bm25", cfg()).select(TASK, q, pool(), 1, 0);
        assertEquals("turn up the music volume", d.get(0).example().text());
    }

    @Test
    void crossTaskDrawsOnlyFromOtherTasks() {
        var q = Example.classification("test:0", "flight to paris", "travel");
        var d = Selectors.create("cross-task", cfg().withCrossTaskInner("knn")).select(TASK, q, pool(), 2, 0);
        for (Demo x : d) assertEquals("toy/other", x.task());
        assertEquals("flight to paris please", d.get(0).example().text());
        assertEquals("train:1", d.get(0).example().id(), "original id restored");
    }

    @Test
    void unknownSelectorAndMissingEmbedderAreClear() {
        var e = assertThrows(IllegalArgumentException.class, () -> Selectors.create("udr", Selectors.Config.defaults()));
        assertTrue(e.getMessage().contains("unknown selector 'udr'") && e.getMessage().contains("bm25"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Selectors.create("knn", Selectors.Config.defaults()));
        assertTrue(e.getMessage().contains("needs an embedder"), e.getMessage());
    }
}
