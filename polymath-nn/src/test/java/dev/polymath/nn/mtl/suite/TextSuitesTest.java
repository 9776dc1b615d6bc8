package dev.polymath.nn.mtl.suite;

import dev.polymath.core.data.DataPaths;
import dev.polymath.core.task.Task;
import dev.polymath.nn.mtl.data.MtlSplit;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The text suites' structure on real data, with a cheap stand-in embedder (the real one lives in polymath-text). */
class TextSuitesTest {
    /** Eight features from the text's bytes; records every text it was asked for. */
    static final class FakeEmbedder implements TextEmbedder {
        final List<String> seen = new ArrayList<>();

        @Override public String describe() { return "fake"; }

        @Override public float[][] embed(List<String> texts) {
            seen.addAll(texts);
            float[][] out = new float[texts.size()][8];
            for (int i = 0; i < texts.size(); i++) {
                byte[] b = texts.get(i).getBytes(StandardCharsets.UTF_8);
                for (int k = 0; k < b.length; k++) out[i][k % 8] += b[k] / 128f;
            }
            return out;
        }
    }

    static SuiteOptions options(FakeEmbedder e, int maxTrain, int maxEval) {
        return new SuiteOptions(0, 0, 0, 0, maxTrain, maxEval, e, null);
    }

    @Test
    void tweetEvalHasSixTasksWithTheirOfficialMetrics() {
        assumeTrue(DataPaths.find("tweeteval") != null, "TweetEval not in ../shared/data");
        var e = new FakeEmbedder();
        LoadedSuite s = MtlSuites.get("tweeteval").load(options(e, 300, 200));
        assertEquals(List.of("emoji", "emotion", "hate", "irony", "offensive", "stance"), s.train().taskNames());
        assertFalse(s.train().sharedInputs(), "each task has its own tweets");
        List<String> primary = s.test().tasks().stream().map(t -> t.primaryMetric().name()).toList();
        assertEquals(List.of("macro-f1", "macro-f1", "macro-f1", "f1[irony]", "macro-f1", "mean-f1[favor,against]"), primary);
        assertEquals(List.of(20, 4, 2, 2, 2, 3), s.outputs());
        for (Task t : s.train().tasks()) assertEquals(300, t.size(Task.TRAIN), t.name() + " capped at 300 training tweets");
        Task stance = s.test().tasks().get(5);
        assertEquals(200, stance.size(Task.TEST));
        assertEquals(200, s.validation().tasks().get(0).size(Task.VALIDATION), "emoji validation capped at 200");
        assertTrue(e.seen.stream().anyMatch(x -> x.startsWith("hillary: ")), "stance texts name their target");
        assertEquals(300, s.train().epochSize());
        assertEquals(8, s.train().inputShape()[0]);
    }

    @Test
    void clincDomainsAreTenFifteenWayTasks() {
        assumeTrue(DataPaths.find("clinc150") != null, "CLINC150 not found");
        LoadedSuite s = MtlSuites.get("clinc150-domains").load(options(new FakeEmbedder(), 0, 0));
        assertEquals(10, s.train().tasks().size());
        for (Task t : s.train().tasks()) {
            assertEquals(15, t.labels().size(), t.name());
            assertEquals(1500, t.size(Task.TRAIN), t.name());
        }
        MtlSplit single = s.select(List.of("travel")).train();
        assertEquals(List.of("travel"), single.taskNames());
        assertThrows(IllegalArgumentException.class, () -> s.select(List.of("nope")));
        assertThrows(IllegalArgumentException.class, () -> MtlSuites.get("nope"));
    }

    @Test
    void methodSpecsParseSamSuffixes() {
        assertEquals("pcgrad+fmtl(0.05)", MethodSpec.parse("pcgrad+fmtl", 0.05).label());
        assertEquals("mgda:l2+sam(0.1)", MethodSpec.parse("mgda:l2+sam", 0.1).label());
        assertEquals("uw", MethodSpec.parse("uw", 0.05).label());
        assertThrows(IllegalArgumentException.class, () -> MethodSpec.parse("bogus+fmtl", 0.05));
    }
}
