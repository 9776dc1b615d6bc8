package dev.polymath.icl.offline;

import dev.polymath.core.sample.ClassSplit;
import dev.polymath.core.task.Example;
import dev.polymath.icl.learner.InContextLearner;
import dev.polymath.icl.learner.KernelVoteLearner;
import dev.polymath.icl.select.LookupEmbedder;
import dev.polymath.icl.select.RetrieverTrainer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectorCurvesTest {

    /** 12 Gaussian clusters in 16 dimensions: 8 meta-train classes, 4 meta-test classes. */
    static SelectorCurves.Dataset clusters() {
        var rng = new SplittableRandom(5);
        var texts = new ArrayList<String>();
        var vecs = new ArrayList<float[]>();
        List<Example> train = new ArrayList<>(), test = new ArrayList<>();
        for (int c = 0; c < 12; c++) {
            float[] centre = new float[16];
            for (int j = 0; j < 16; j++) centre[j] = (float) rng.nextGaussian();
            for (int i = 0; i < 30; i++) {
                float[] v = new float[16];
                for (int j = 0; j < 16; j++) v[j] = centre[j] + (float) (0.9 * rng.nextGaussian());
                String t = "c" + c + "-" + i;
                texts.add(t);
                vecs.add(v);
                (i < 20 ? train : test).add(Example.classification((i < 20 ? "train:" : "test:") + texts.size(), t, "class" + c));
            }
        }
        return new SelectorCurves.Dataset("toy", train, test, new LookupEmbedder("toy", texts, vecs.toArray(float[][]::new)));
    }

    static ClassSplit split() {
        var tr = new ArrayList<String>();
        for (int c = 0; c < 8; c++) tr.add("class" + c);
        return new ClassSplit(tr, List.of(), List.of("class8", "class9", "class10", "class11"));
    }

    static SelectorCurves.Config config(List<String> selectors) {
        return new SelectorCurves.Config(2, 2, List.of(1, 2, 4), selectors, 9, 0.5, "knn",
                new RetrieverTrainer.Options(8, 40, 16, 5e-3, 1.0, 9), 80, false);
    }

    @Test
    void curvesBehaveAsTheSelectorsPredictAndAreReproducible() {
        var data = clusters();
        var names = List.of("random", "label-balanced", "knn", "mmr", "cross-task", "learned");
        List<InContextLearner> learners = List.of(new KernelVoteLearner());
        var out = SelectorCurves.run(data, split(), learners, config(names), null);
        assertEquals(4, out.tasks(), "4 test classes in 2-way tasks, 2 partitions");
        assertEquals(2 * 40, out.queries(), "every test query of the 4 classes, once per partition");
        Map<String, Double> acc = out.points().stream().collect(Collectors.toMap(p -> p.selector() + "@" + p.shots(), SelectorCurves.Point::accuracy));
        for (var p : out.points()) assertEquals(80, p.n());
        // one demonstration: the learner can only answer its label, so knn (same class nearly always) beats random (~1/2)
        assertTrue(acc.get("knn@1") > 0.9, "knn@1 " + acc.get("knn@1"));
        assertTrue(acc.get("random@1") < 0.7, "random@1 " + acc.get("random@1"));
        // two label-balanced demonstrations cover both labels, so it beats random at k = 2
        assertTrue(acc.get("label-balanced@2") > acc.get("random@2"), acc.toString());
        // demonstrations from other tasks carry no information about this task's labels: near chance
        for (int k : List.of(1, 2, 4)) assertTrue(Math.abs(acc.get("cross-task@" + k) - 0.5) < 0.2, "cross-task@" + k + " " + acc.get("cross-task@" + k));
        assertTrue(acc.get("learned@1") > 0.85, "learned@1 " + acc.get("learned@1"));
        assertTrue(out.retrievers().containsKey("kernel-vote"));
        // every evaluation prompt is counted once in the learner's time (retriever feedback is not)
        assertEquals(80L * names.size() * config(names).shots().size(), out.times().get("kernel-vote").prompts());

        var again = SelectorCurves.run(data, split(), learners, config(names), null);
        assertEquals(out.points(), again.points(), "same seed, same numbers");
    }

    @Test
    void inDomainRetrieverTrainsOnTheEvaluatedClassesTrainSplit() {
        var cfg = new SelectorCurves.Config(2, 1, List.of(1), List.of("learned"), 9, 0.5, "knn",
                new RetrieverTrainer.Options(8, 40, 16, 5e-3, 1.0, 9), 80, true);
        var out = SelectorCurves.run(clusters(), split(), List.of(new KernelVoteLearner()), cfg, null);
        assertTrue(out.retrievers().get("kernel-vote").projection().metadata().get("trained_on").contains("4 classes"));
        assertTrue(out.points().get(0).accuracy() > 0.85, out.points().toString());
    }

    @Test
    void badConfigurationsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> config(List.of("nearest")));
        assertTrue(e.getMessage().contains("unknown selector 'nearest'"), e.getMessage());
        var big = new SelectorCurves.Config(5, 1, List.of(1), List.of("random"), 1, 0.5, "random", RetrieverTrainer.Options.defaults(), 10, false);
        e = assertThrows(IllegalArgumentException.class, () -> SelectorCurves.run(clusters(), split(), List.of(new KernelVoteLearner()), big, null));
        assertTrue(e.getMessage().contains("4 meta-test classes, fewer than --ways 5"), e.getMessage());
    }
}
